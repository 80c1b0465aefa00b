/* nir.h - a model as a NIR graph (the Neuromorphic Intermediate Representation, HDF5).
 *
 * The layout is NIR's published one (nir.write): /version, /node/type =
 * "NIRGraph", /node/edges (E, 2) strings, /node/nodes/<name>/{type, params},
 * /node/metadata. A model maps to Input -> Linear -> CubaLIF ... -> Linear ->
 * CubaLI -> Output with dt = 1 ms (docs/interop.md derives the constants).
 * Each hidden layer is written as two CubaLIF populations, "lif<l>_exc" and
 * "lif<l>_inh" (metadata population = "excitatory" / "inhibitory"), and every
 * matrix as one Linear node per (source population, target population)
 * block, so each Linear node holds weights of one sign under Dale's law; a
 * recurrent layer's blocks go from its populations back into them.
 *
 * Reading accepts any graph that is a chain of such layers (one or two
 * populations each, optional recurrence inside a layer: a cycle, as NIR
 * writes recurrence), Linear or Affine
 * (zero bias) weight nodes, and refuses, naming the node, what the model
 * cannot run: other node types (Conv, Delay, LIF without synapse, ...), a
 * reset other than to 0, a leak potential, constants that differ between the
 * neurons of a layer, edges that skip or go back a layer, more than
 * SNN_MAX_LAYERS layers. Per-neuron input gains (w_in, r) are folded into the
 * weights. The file comes from outside: it is checked before libhdf5 reads it
 * (h5guard.h), and every size is bounded before anything is allocated.
 */
#ifndef SNN_NIR_H
#define SNN_NIR_H

#include "../net/model.h"

#define NIR_DT 1e-3 /* seconds per step */

/* Writes m to path as a NIR graph (atomically: a temp file renamed over path). */
int nir_write_model(const char *path, const snn_model *m, snn_error *err);
/* Reads a NIR graph into m (allocated on success); errors name path and the node.
 * dt: the step (seconds) the file's time constants are read at; <= 0: the file's
 * /node/metadata/dt (our files write it), else NIR_DT. snnTorch writes its files
 * for dt = 1e-4 s. */
int nir_read_model(const char *path, double dt, snn_model *m, snn_error *err);

#endif
