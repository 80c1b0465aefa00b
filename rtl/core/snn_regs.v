// snn_regs.v - the configuration registers and the host write port decode.
//
// Register writes (wr_addr[23] = 1) set the network's run-time shape and
// constants; writing register 0xF starts an image. Weight writes
// (wr_addr[23] = 0) are passed on as (word, lane). Writes are ignored while an
// image runs. Also derives the words per row, ceil(n / P), once per write so
// that no divider sits in the datapath, and selects the constants of the layer
// the controller is at (`layer`; `pre_layer` for the presynaptic n_exc).
// Map: docs/core.md ("Registers"). Layer registers exist for MAX_LAYERS
// layers; the base registers only in a general build (GEN: MAX_LAYERS > 1 or
// RECURRENT), the paper's build places ff[0] and the readout at fixed words.
`default_nettype none

module snn_regs #(
    parameter integer P = 8,
    parameter integer PL = 8,      // hidden update lanes
    parameter integer RL = 8,      // readout update lanes
    parameter integer WMA = 14,    // weight memory address bits
    parameter integer MAX_LAYERS = 1,
    parameter integer RECURRENT = 0,
    parameter integer OUT_DECAYS = 1, // the readout's own decays (else layer 0's, the paper's)
    parameter integer LAW = 1      // bits of a layer index
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          busy,          // an image runs: writes ignored
    input  wire          wr_en,         // host write strobe
    input  wire [23:0]   wr_addr,       // host write address
    input  wire [31:0]   wr_data,       // host write data
    input  wire [LAW-1:0] layer,        // the layer whose constants are wanted
    input  wire [LAW-1:0] pre_layer,    // the layer whose n_exc is wanted (presynaptic)
    output reg  [15:0]   n_in,          // register 0x0
    output reg  [15:0]   n_out,         // 0x2
    output reg  [15:0]   steps,         // 0x4
    output reg  [4:0]    noise_bits,    // 0x8
    output reg  [31:0]   seed,          // 0x9
    output wire [11:0]   out_alpha_q,   // 0xA (0x6 too: the paper's readout shares layer 0's)
    output wire [11:0]   out_beta_q,    // 0xB (0x7 too)
    output wire [LAW-1:0] last_layer,   // n_layers - 1 (register 0xC holds n_layers)
    output reg  [15:0]   out_words,     // ceil(n_out / P)
    output reg  [15:0]   out_subs,      // ceil(n_out / RL)
    // the constants of `layer` (spec §2.1, §2.3, §2.4)
    output wire [15:0]   n_hid,         // its size
    output wire [15:0]   hid_words,     // ceil(size / P)
    output wire [15:0]   hid_subs,      // ceil(size / PL)
    output wire [31:0]   theta,
    output wire [11:0]   alpha_q,
    output wire [11:0]   beta_q,
    output wire          recurrent,     // it has a recurrent matrix
    output wire [WMA-1:0] ff_base,      // first weight word of ff[layer] (layers >= 1)
    output wire [WMA-1:0] rec_base,     // first weight word of rec[layer]
    output wire [15:0]   pre_exc,       // n_exc of pre_layer (spec §2.2: the sign of its rows)
    output wire          start,         // one-cycle pulse: register 0xF written
    output wire [31:0]   image_index,   // the index written with it
    output wire          w_we,          // a weight write this cycle
    output wire [WMA-1:0] w_word,       // its word
    output wire [$clog2(P)-1:0] w_lane  // its lane
);
    localparam integer LP = $clog2(P);
    localparam [0:0] GEN = MAX_LAYERS > 1 || RECURRENT != 0;

    wire write = wr_en && !busy;
    wire reg_write = write && wr_addr[23];
    wire [3:0] r = wr_addr[3:0];
    wire global = wr_addr[7:4] == 4'd0;     // 0x00-0x0F: global, and layer 0 (paper map)
    wire [3:0] layer_field = wr_addr[7:4] - 4'd1;  // 0x10*(l+1) + r: layer l

    function [15:0] words_of(input [15:0] n, input integer lanes);  // ceil(n / lanes)
        words_of = (n + lanes[15:0] - 16'd1) >> $clog2(lanes);
    endfunction

    // global registers
    reg [LAW-1:0] n_layers_m1;
    reg [11:0]    ro_alpha, ro_beta;
    always @(posedge clk) begin
        if (rst) begin
            n_in <= 16'd0;
            n_out <= 16'd0;
            steps <= 16'd0;
            noise_bits <= 5'd0;
            seed <= 32'd0;
            ro_alpha <= 12'd0;
            ro_beta <= 12'd0;
            out_words <= 16'd0;
            out_subs <= 16'd0;
            n_layers_m1 <= {LAW{1'b0}};
        end else if (reg_write && global) begin
            case (r)
                4'h0: n_in <= wr_data[15:0];
                4'h2: begin
                    n_out <= wr_data[15:0];
                    out_words <= words_of(wr_data[15:0], P);
                    out_subs <= words_of(wr_data[15:0], RL);
                end
                4'h4: steps <= wr_data[15:0];
                4'h6, 4'hA: ro_alpha <= wr_data[11:0];
                4'h7, 4'hB: ro_beta <= wr_data[11:0];
                4'h8: noise_bits <= wr_data[4:0];
                4'h9: seed <= wr_data;
                4'hC: if (MAX_LAYERS > 1) n_layers_m1 <= wr_data[LAW-1:0] - 1'b1;
                default: ;
            endcase
        end
    end
    assign last_layer = n_layers_m1;

    // per-layer registers: the paper's addresses 0x1/0x3/0x5/0x6/0x7 are layer 0's
    wire [16*MAX_LAYERS-1:0]  size_v, exc_v, words_v, subs_v;
    wire [32*MAX_LAYERS-1:0]  theta_v;
    wire [12*MAX_LAYERS-1:0]  alpha_v, beta_v;
    wire [MAX_LAYERS-1:0]     rec_v;
    wire [WMA*MAX_LAYERS-1:0] ffb_v, recb_v;
    genvar l;
    generate
        for (l = 0; l < MAX_LAYERS; l = l + 1) begin : g_layer
            wire mine = reg_write && ((global && l == 0) || layer_field == l[3:0]);
            reg [15:0] size, exc, words, subs;
            reg [31:0] th;
            reg [11:0] al, be;
            always @(posedge clk) begin
                if (rst) begin
                    size <= 16'd0;
                    exc <= 16'd0;
                    words <= 16'd0;
                    subs <= 16'd0;
                    th <= 32'd0;
                    al <= 12'd0;
                    be <= 12'd0;
                end else if (mine) begin
                    case (r)
                        4'h1: begin
                            size <= wr_data[15:0];
                            words <= words_of(wr_data[15:0], P);
                            subs <= words_of(wr_data[15:0], PL);
                        end
                        4'h3: exc <= wr_data[15:0];
                        4'h5: th <= wr_data;
                        4'h6: al <= wr_data[11:0];
                        4'h7: be <= wr_data[11:0];
                        default: ;
                    endcase
                end
            end
            assign size_v[l*16 +: 16] = size;
            assign exc_v[l*16 +: 16] = exc;
            assign words_v[l*16 +: 16] = words;
            assign subs_v[l*16 +: 16] = subs;
            assign theta_v[l*32 +: 32] = th;
            assign alpha_v[l*12 +: 12] = al;
            assign beta_v[l*12 +: 12] = be;
            if (GEN) begin : g_bases
                // 0xC recurrent, 0xD ff_base (ff[0] is at word 0: layers >= 1), 0xE rec_base
                reg rc;
                reg [WMA-1:0] fb, rb;
                always @(posedge clk) begin
                    if (rst) begin
                        rc <= 1'b0;
                        fb <= {WMA{1'b0}};
                        rb <= {WMA{1'b0}};
                    end else if (mine && !global) begin
                        if (r == 4'hC) rc <= RECURRENT != 0 && wr_data[0];
                        if (r == 4'hD) fb <= wr_data[WMA-1:0];
                        if (r == 4'hE) rb <= wr_data[WMA-1:0];
                    end
                end
                assign rec_v[l] = rc;
                assign ffb_v[l*WMA +: WMA] = fb;
                assign recb_v[l*WMA +: WMA] = rb;
            end else begin : g_fixed
                assign rec_v[l] = 1'b0;
                assign ffb_v[l*WMA +: WMA] = {WMA{1'b0}};
                assign recb_v[l*WMA +: WMA] = {WMA{1'b0}};
            end
        end
    endgenerate

    // without OUT_DECAYS the readout decays by layer 0's constants: one register each
    assign out_alpha_q = OUT_DECAYS != 0 ? ro_alpha : alpha_v[11:0];
    assign out_beta_q = OUT_DECAYS != 0 ? ro_beta : beta_v[11:0];

    // the selected layer's constants (a plain wire when MAX_LAYERS = 1)
    wire [15:0] sel = {{(16-LAW){1'b0}}, layer};
    wire [15:0] pre_sel = {{(16-LAW){1'b0}}, pre_layer};
    snn_lane_mux #(.N(MAX_LAYERS), .W(16)) u_size (.in(size_v), .sel(sel), .out(n_hid));
    snn_lane_mux #(.N(MAX_LAYERS), .W(16)) u_words (.in(words_v), .sel(sel), .out(hid_words));
    snn_lane_mux #(.N(MAX_LAYERS), .W(16)) u_subs (.in(subs_v), .sel(sel), .out(hid_subs));
    snn_lane_mux #(.N(MAX_LAYERS), .W(32)) u_theta (.in(theta_v), .sel(sel), .out(theta));
    snn_lane_mux #(.N(MAX_LAYERS), .W(12)) u_alpha (.in(alpha_v), .sel(sel), .out(alpha_q));
    snn_lane_mux #(.N(MAX_LAYERS), .W(12)) u_beta (.in(beta_v), .sel(sel), .out(beta_q));
    snn_lane_mux #(.N(MAX_LAYERS), .W(1)) u_rec (.in(rec_v), .sel(sel), .out(recurrent));
    snn_lane_mux #(.N(MAX_LAYERS), .W(WMA)) u_ffb (.in(ffb_v), .sel(sel), .out(ff_base));
    snn_lane_mux #(.N(MAX_LAYERS), .W(WMA)) u_recb (.in(recb_v), .sel(sel), .out(rec_base));
    snn_lane_mux #(.N(MAX_LAYERS), .W(16)) u_exc (.in(exc_v), .sel(pre_sel), .out(pre_exc));

    assign start = reg_write && global && r == 4'hF;
    assign image_index = wr_data;
    assign w_we = write && !wr_addr[23];
    assign w_word = wr_addr[WMA+LP-1:LP];
    assign w_lane = wr_addr[LP-1:0];
    wire unused = &{1'b0, wr_addr[22:WMA+LP], wr_addr[22:8]};
endmodule

`default_nettype wire
