// snn_ctrl.v - the control of one image: phases, word counters, memory addresses.
//
// Per image: CLEAR (state to 0, noise seeded), then per step t (spec §4), for
// each layer l = 0 .. n_layers-1 (spec §4.7):
//   INT     (l = 0) input events of step t, one weight word (P neurons) per cycle (§4.1)
//   FF      (l > 0) the spikes layer l-1 decided in this step, queued by its
//           hidden pass, issued by the scheduler into acc1 of layer l (§4.1)
//   REC     (recurrent l) the spikes of layer l at step t-1, scanned from the
//           spike memory into the scheduler: rows of rec[l] into acc1 (§4.6)
//   HID     the hidden pass of layer l, PL neurons per cycle (§4.2); spikes go to
//           the scheduler: for the last layer it integrates them into the
//           readout meanwhile (§4.3), for the others they wait for FF
// then RO_WAIT until the scheduler has drained, RO_UPD the readout pass, RL
// neurons per cycle (§4.4), and after the last step PRED (argmax, §6.1) and DONE.
// Layer l's state lives in a region of each state memory: acc1 words
// (l << HA) + w, syn/mem/spike sub-words (l << HSA) + s. In the paper's build
// (MAX_LAYERS = 1, RECURRENT = 0) FF and REC do not exist and the layer is 0.
// Every memory access is a two-stage pipeline: this module issues the read
// (stage 1) and tells the lanes, one cycle later, which operation the data
// read belong to (stage 2, the c_* outputs); the lanes write back at the end
// of stage 2. A word is read again no earlier than the cycle after its
// write-back (the memories do not forward): where back-to-back accesses
// could hit the same word (one-word rows, the last readout sub-word before
// PRED or a host read) one cycle is left out. Words of acc1/acc2 hold P neurons (what one weight word feeds);
// syn/mem hold PL, flt/out/max RL: a "sub-word" is one of those narrower words.
// Not here: arithmetic (the lanes), the queue (snn_scheduler).
`default_nettype none

module snn_ctrl #(
    parameter integer P = 8,
    parameter integer PL = 8,      // hidden update lanes (divides P)
    parameter integer RL = 8,      // readout update lanes (divides P)
    parameter integer S1 = 13,     // words per hidden row: ceil(MAX_HID / P)
    parameter integer S2 = 2,      // words per readout row: ceil(MAX_OUT / P)
    parameter integer MAX_IN = 784,
    parameter integer MAX_LAYERS = 1,
    parameter integer RECURRENT = 0,
    parameter integer LAW = 1,     // bits of a layer index
    parameter integer HA = 4,      // acc1 word address bits within a layer
    parameter integer HSA = 4,     // syn/mem sub-word address bits within a layer
    parameter integer A1 = 4,      // acc1 address bits (layer and word)
    parameter integer AS = 4,      // syn/mem/spike sub-word address bits (layer and sub-word)
    parameter integer RA = 1,      // acc2 word address bits
    parameter integer RSA = 1,     // flt/out/max sub-word address bits
    parameter integer UA = 1,      // bits of a scheduled row's word index
    parameter integer WMA = 14     // weight memory address bits
) (
    input  wire           clk,
    input  wire           rst,
    // configuration (snn_regs): global, and the constants of `layer`
    input  wire           start,        // start an image
    input  wire [15:0]    n_hid,        // size of `layer`
    input  wire [15:0]    n_out,
    input  wire [15:0]    pre_exc,      // n_exc of pre_layer
    input  wire [15:0]    steps,
    input  wire [15:0]    hid_words,    // ceil(n_hid / P)
    input  wire [15:0]    out_words,    // ceil(n_out / P)
    input  wire [15:0]    hid_subs,     // ceil(n_hid / PL)
    input  wire [15:0]    out_subs,     // ceil(n_out / RL)
    input  wire [LAW-1:0] last_layer,   // n_layers - 1
    input  wire           recurrent,    // `layer` has rec[layer]
    input  wire [WMA-1:0] ff_base,      // first word of ff[layer]
    input  wire [WMA-1:0] rec_base,     // first word of rec[layer]
    input  wire           noise_busy,   // the noise generator is still deriving its seed
    output reg  [LAW-1:0] layer,        // the layer being run
    output wire [LAW-1:0] pre_layer,    // the layer whose spikes the scheduler issues
    // host weight writes (snn_regs)
    input  wire           w_we,
    input  wire [WMA-1:0] w_word,
    input  wire [$clog2(P)-1:0] w_lane,
    // input events
    input  wire           ev_valid,
    input  wire           ev_end,
    input  wire [15:0]    ev_index,
    output wire           ev_ready,
    // scheduled rows (snn_scheduler): readout rows, or rows into acc1 (FF, REC)
    input  wire           ri_issue,
    input  wire [15:0]    ri_neuron,
    input  wire [UA-1:0]  ri_word,
    input  wire           sched_idle,
    output wire           sched_hold,   // the scheduler may not issue
    output wire [UA-1:0]  sched_words,  // words per row of the issued matrix
    // host reads
    input  wire           rd_en,
    input  wire [15:0]    rd_addr,
    // weight memory
    output wire [WMA-1:0] wm_addr,
    output wire [P-1:0]   wm_we,
    output wire           wm_re,
    // hidden state memories: acc1 (P lanes), syn, mem and spikes (PL lanes)
    output wire           acc1_re,
    output wire [A1-1:0]  acc1_raddr,
    output wire           acc1_we,
    output wire [A1-1:0]  acc1_waddr,
    output wire           sm_re,
    output wire [AS-1:0]  sm_raddr,
    output wire           sm_we,
    output wire [AS-1:0]  sm_waddr,
    output wire           spm_re,       // spike memory read (REC's scan)
    output wire [AS-1:0]  spm_raddr,
    // readout state memories: acc2 (P lanes), flt/out/max (RL lanes)
    output wire           acc2_re,
    output wire [RA-1:0]  acc2_raddr,
    output wire           acc2_we,
    output wire [RA-1:0]  acc2_waddr,
    output wire           fom_re,
    output wire [RSA-1:0] fom_raddr,
    output wire           fom_we,
    output wire [RSA-1:0] fom_waddr,
    // operations for the lanes
    output wire           clearing,     // stage 1: write zeros (no read)
    output reg            c_int,        // stage 2: add a weight word into acc1 (§4.1, §4.6)
    output reg            c_hid,        // stage 2: hidden update of one syn/mem sub-word (§4.2)
    output reg  [7:0]     c_hsub,       // stage 2 of c_hid: which PL lanes of the acc1 word
    output reg  [PL-1:0]  c_lanes,      // stage 2 of c_hid: lanes holding neurons j < n_hid
    output reg  [15:0]    c_base,       // stage 2 of c_hid: (layer << 10) + neuron of lane 0
    output reg            c_scan,       // stage 2: a spike memory word of REC's scan
    output reg  [HSA-1:0] c_scan_word,  // stage 2 of c_scan: its sub-word within the layer
    output reg            c_ri,         // stage 2: integrate a hidden spike into acc2 (§4.3)
    output reg            c_neg,        // stage 2 of c_ri/c_int: the presynaptic neuron is inhibitory
    output reg            c_ru,         // stage 2: readout update of one sub-word (§4.4)
    output reg  [7:0]     c_rsub,       // stage 2 of c_ru: which RL lanes of the acc2 word
    output reg            c_pred,       // stage 2: compare max[c_k] for the argmax (§6.1)
    output reg  [15:0]    c_k,          // stage 2 of c_pred: readout neuron k
    output reg            c_rd,         // stage 2: host read of rd_addr
    output reg  [15:0]    c_rd_addr,    // stage 2 of c_rd: the address
    // status
    output wire           busy,
    output reg            done,
    output reg  [15:0]    step          // the step being run
);
    localparam integer SP = P / PL;   // syn/mem sub-words per acc1 word
    localparam integer SR = P / RL;   // flt/out/max sub-words per acc2 word
    localparam [0:0] GEN = MAX_LAYERS > 1 || RECURRENT != 0;
    localparam [3:0] S_IDLE = 4'd0, S_CLEAR = 4'd1, S_INT = 4'd2, S_HID = 4'd3,
                     S_RO_WAIT = 4'd4, S_RO_UPD = 4'd5, S_PRED = 4'd6, S_DONE = 4'd7,
                     S_FF = 4'd8, S_REC = 4'd9;
    localparam integer W2_BASE_INT = MAX_IN * S1;  // first word of the readout weights
    localparam [WMA-1:0] W2_BASE = W2_BASE_INT[WMA-1:0];

    reg [3:0]  state;
    reg [15:0] word;       // CLEAR: word; HID/REC/RO_UPD: sub-word; PRED: readout neuron k

    // state memory addresses of layer l's word w: its region (a plain w in the paper's build)
    function [A1-1:0] acc1_at(input [LAW-1:0] l, input [15:0] w);
        acc1_at = A1'(({16'd0, {(16-LAW){1'b0}}, l} << HA) | {16'd0, w});
    endfunction
    function [AS-1:0] sub_at(input [LAW-1:0] l, input [15:0] s);
        sub_at = AS'(({16'd0, {(16-LAW){1'b0}}, l} << HSA) | {16'd0, s});
    endfunction

    // the input event engine (§4.1): hid_words weight words per event
    reg            int_busy;
    reg [HA-1:0]   int_word;
    reg [WMA-1:0]  int_base;
    // x * c for a constant c as shifts and adds (no DSP block spent on addresses)
    function [31:0] times_const(input [15:0] x, input integer c);
        integer b;
        begin
            times_const = 32'd0;
            for (b = 0; b < 16; b = b + 1)
                if (c[b])
                    times_const = times_const + ({16'd0, x} << b);
        end
    endfunction
    wire [31:0] row_base = times_const(ev_index, S1);  // first word of input row ev_index
    wire unused_row_base = &{1'b0, row_base};
    wire int_last = {{(16-HA){1'b0}}, int_word} == hid_words - 16'd1;
    // one-word rows: the next event (or the hidden pass) waits for the word's write-back;
    // after a readout pass, for its last write-back (host reads between steps see it)
    wire one_word = hid_words == 16'd1;
    wire int_chain = int_busy && int_last && !one_word;
    assign ev_ready = state == S_INT && !c_ru &&
                      ((!int_busy && !(c_int && one_word)) || int_chain);
    wire ev_take = ev_valid && ev_ready;

    // sub-word counters split into word and lanes
    wire [15:0] hid_word_of = word / SP[15:0];    // acc1 word of hidden sub-word `word`
    wire [15:0] hid_sub_of = word % SP[15:0];     // its position in that word
    wire [15:0] ro_word_of = word / SR[15:0];
    wire [15:0] ro_sub_of = word % SR[15:0];
    wire [15:0] rd_j = rd_addr & 16'h0fff;        // neuron of a host read: (layer << 10) + j
    wire [15:0] rd_hsub = GEN ? {6'd0, rd_j[9:0]} / PL[15:0] : rd_j / PL[15:0];
    wire [LAW-1:0] rd_layer = GEN ? rd_j[10 +: LAW] : {LAW{1'b0}};
    wire [15:0] rd_rsub = rd_j / RL[15:0];
    wire [15:0] k_rsub = word / RL[15:0];
    wire last_hid = word == hid_subs - 16'd1;
    wire last_ro = word == out_subs - 16'd1;
    // CLEAR: the used words of a one-layer network (`layer` is 0), else all regions up to
    // the last layer's
    localparam integer HS = S1 * SP;
    wire [15:0] last16 = {{(16-LAW){1'b0}}, last_layer};
    wire many = GEN && last_layer != {LAW{1'b0}};
    wire [15:0] hid_clear = many ? (last16 << HSA) + HS[15:0] : hid_subs;
    wire [15:0] acc1_clear = many ? (last16 << HA) + S1[15:0] : hid_words;
    wire [15:0] clear_words = hid_clear > out_subs ? hid_clear : out_subs;  // >= all of them
    wire is_last = MAX_LAYERS == 1 || layer == last_layer;
    wire in_ff = GEN && state == S_FF;
    wire in_rec = RECURRENT != 0 && state == S_REC;
    // the scheduler feeds the readout (the last layer's spikes, spec §4.3) or acc1 of
    // `layer` (FF after the first cycle, which still updates the previous layer; REC)
    wire ri_ro = (state == S_HID && is_last) || state == S_RO_WAIT;
    wire ri_hid = (in_ff && !c_hid) || in_rec;
    wire ri_run = ri_ro || ri_hid;
    assign sched_hold = !ri_run;
    assign sched_words = ri_hid ? hid_words[UA-1:0] : out_words[UA-1:0];
    assign pre_layer = in_ff ? layer - 1'b1 : layer;
    wire scanning = in_rec && word < hid_subs;
    // host reads of the memories: when idle, or between steps (waiting for events)
    wire rd_now = rd_en && (state == S_IDLE || (state == S_INT && !int_busy && !c_ru));
    wire unused_split = &{1'b0, hid_word_of, ro_word_of, rd_hsub, rd_rsub, k_rsub, hid_sub_of,
                          ro_sub_of, rd_j, sched_words, out_words, hid_words};

    assign clearing = state == S_CLEAR && word < clear_words;
    assign busy = state != S_IDLE;

    // weight memory: host writes when idle, input rows in INT, scheduled rows otherwise:
    // readout rows (spec §4.3), ff[layer] rows (FF), rec[layer] rows (REC)
    wire [31:0] ri_row = ri_hid ? times_const(ri_neuron, S1) : times_const(ri_neuron, S2);
    wire [WMA-1:0] ri_base = in_ff ? ff_base : in_rec ? rec_base : W2_BASE;
    wire [31:0] ri_addr = {{(32-WMA){1'b0}}, ri_base} + ri_row + {{(32-UA){1'b0}}, ri_word};
    wire unused_ri_addr = &{1'b0, ri_addr};
    assign wm_addr = state == S_IDLE ? w_word : ri_run ? ri_addr[WMA-1:0] :
                     int_base + {{(WMA-HA){1'b0}}, int_word};
    assign wm_we = state == S_IDLE && w_we ? {{(P-1){1'b0}}, 1'b1} << w_lane : {P{1'b0}};
    assign wm_re = (state == S_INT && int_busy) || (ri_run && ri_issue);

    // hidden memories
    wire [A1-1:0] hid_acc1 = acc1_at(layer, ri_hid ? {{(16-UA){1'b0}}, ri_word} : hid_word_of);
    assign acc1_re = (state == S_INT && int_busy) || state == S_HID || (ri_hid && ri_issue);
    assign acc1_raddr = state == S_INT ? {{(A1-HA){1'b0}}, int_word} : hid_acc1;
    assign sm_re = state == S_HID || rd_now;
    assign sm_raddr = state == S_HID ? sub_at(layer, word) : sub_at(rd_layer, rd_hsub);
    assign spm_re = scanning;
    assign spm_raddr = sub_at(layer, word);

    // readout memories
    assign acc2_re = (ri_ro && ri_issue) || state == S_RO_UPD;
    assign acc2_raddr = ri_ro ? ri_word[RA-1:0] : ro_word_of[RA-1:0];
    assign fom_re = state == S_RO_UPD || (state == S_PRED && !c_ru) || rd_now;
    assign fom_raddr = state == S_RO_UPD ? word[RSA-1:0] :
                       state == S_PRED ? k_rsub[RSA-1:0] : rd_rsub[RSA-1:0];

    // lanes of hidden sub-word `word` that hold neurons j < n_hid
    wire [15:0] lanes_left = n_hid - word * PL[15:0];
    wire [PL-1:0] word_lanes = lanes_left >= PL[15:0] ? {PL{1'b1}} :
                               ~({PL{1'b1}} << lanes_left);

    // stage 2 write-back addresses and zeroing of acc1/acc2 after their last sub-word
    reg [A1-1:0]  c_hword;
    reg [AS-1:0]  c_hsword;
    reg [RA-1:0]  c_rword;
    reg [RSA-1:0] c_rsword;
    reg           c_acc1_zero, c_acc2_zero;
    assign acc1_we = (clearing && word < acc1_clear) || c_int || (c_hid && c_acc1_zero);
    assign acc1_waddr = state == S_CLEAR ? word[A1-1:0] : c_hword;
    assign sm_we = (clearing && word < hid_clear) || c_hid;
    assign sm_waddr = state == S_CLEAR ? word[AS-1:0] : c_hsword;
    assign acc2_we = (clearing && word < out_words) || c_ri || (c_ru && c_acc2_zero);
    assign acc2_waddr = state == S_CLEAR ? word[RA-1:0] : c_rword;
    assign fom_we = (clearing && word < out_subs) || c_ru;
    assign fom_waddr = state == S_CLEAR ? word[RSA-1:0] : c_rsword;

    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            word <= 16'd0;
            step <= 16'd0;
            layer <= {LAW{1'b0}};
            done <= 1'b0;
            int_busy <= 1'b0;
            int_word <= {HA{1'b0}};
            int_base <= {WMA{1'b0}};
            c_int <= 1'b0;
            c_hid <= 1'b0;
            c_scan <= 1'b0;
            c_ri <= 1'b0;
            c_ru <= 1'b0;
            c_pred <= 1'b0;
            c_rd <= 1'b0;
        end else begin
            // stage 2 of what stage 1 issues now
            c_int <= (state == S_INT && int_busy) || (ri_hid && ri_issue);
            c_hid <= state == S_HID;
            c_scan <= scanning;
            c_ri <= ri_ro && ri_issue;
            c_ru <= state == S_RO_UPD;
            c_pred <= state == S_PRED && !c_ru;
            c_rd <= rd_en;  // registers any time; memories only when idle (rd_now)
            done <= 1'b0;

            // input event engine
            if (ev_take && !ev_end) begin
                int_busy <= 1'b1;
                int_word <= {HA{1'b0}};
                int_base <= row_base[WMA-1:0];
            end else if (int_busy && int_last) begin
                int_busy <= 1'b0;
            end else if (int_busy) begin
                int_word <= int_word + 1'b1;
            end

            case (state)
                S_IDLE:
                    if (start) begin
                        state <= S_CLEAR;
                        word <= 16'd0;
                        step <= 16'd0;
                        layer <= {LAW{1'b0}};
                    end
                S_CLEAR:
                    if (clearing)
                        word <= word + 16'd1;
                    else if (!noise_busy)
                        state <= S_INT;
                S_INT:
                    if (ev_take && ev_end) begin
                        state <= RECURRENT != 0 && recurrent ? S_REC : S_HID;
                        word <= 16'd0;
                    end
                S_FF:
                    // the first cycle finishes the previous layer's pass (c_hid); then
                    // `layer` is the next one, and FF ends once its rows are all in
                    if (c_hid) begin
                        layer <= layer + 1'b1;
                    end else if (sched_idle) begin
                        state <= RECURRENT != 0 && recurrent ? S_REC : S_HID;
                        word <= 16'd0;
                    end
                S_REC:
                    // scan the spike memory, then wait for the last push and the queue
                    if (scanning)
                        word <= word + 16'd1;
                    else if (!c_scan && sched_idle) begin
                        state <= S_HID;
                        word <= 16'd0;
                    end
                S_HID: begin
                    word <= word + 16'd1;
                    if (last_hid)
                        state <= is_last ? S_RO_WAIT : S_FF;
                end
                S_RO_WAIT:
                    // wait for the last hidden sub-word's push (c_hid) and the queue to drain
                    if (!c_hid && sched_idle) begin
                        state <= S_RO_UPD;
                        word <= 16'd0;
                    end
                S_RO_UPD: begin
                    word <= word + 16'd1;
                    if (last_ro) begin
                        word <= 16'd0;
                        layer <= {LAW{1'b0}};
                        if (step == steps - 16'd1) begin
                            state <= S_PRED;
                        end else begin
                            state <= S_INT;
                            step <= step + 16'd1;
                        end
                    end
                end
                S_PRED:
                    if (!c_ru) begin  // after the last readout write-back
                        word <= word + 16'd1;
                        if (word == n_out - 16'd1)
                            state <= S_DONE;
                    end
                S_DONE: begin  // the last compare happens in this cycle
                    state <= S_IDLE;
                    done <= 1'b1;
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    // stage 2 operands
    always @(posedge clk) begin
        c_hword <= state == S_INT ? {{(A1-HA){1'b0}}, int_word} : hid_acc1;
        c_hsword <= sub_at(layer, word);
        c_hsub <= hid_sub_of[7:0];
        c_acc1_zero <= hid_sub_of == SP[15:0] - 16'd1 || last_hid;
        c_rword <= ri_ro ? ri_word[RA-1:0] : ro_word_of[RA-1:0];
        c_rsword <= word[RSA-1:0];
        c_rsub <= ro_sub_of[7:0];
        c_acc2_zero <= ro_sub_of == SR[15:0] - 16'd1 || last_ro;
        c_lanes <= word_lanes;
        c_base <= word * PL[15:0] + (GEN ? {{(6-LAW){1'b0}}, layer, 10'd0} : 16'd0);
        c_scan_word <= word[HSA-1:0];
        c_neg <= (!GEN || ri_run) && ri_neuron >= pre_exc;
        c_k <= word;
        c_rd_addr <= rd_addr;
    end
endmodule

`default_nettype wire
