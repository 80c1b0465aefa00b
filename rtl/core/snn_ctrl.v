// snn_ctrl.v - the control of one image: phases, word counters, memory addresses.
//
// Per image: CLEAR (state to 0, noise seeded), then per step t (spec §4):
//   INT     input events of step t, one weight word per cycle (§4.1)
//   HID     the hidden pass, P neurons per cycle (§4.2); spikes go to the
//           scheduler, which meanwhile integrates them into the readout (§4.3)
//   RO_WAIT until the scheduler has drained
//   RO_UPD  the readout pass (§4.4)
// and after the last step PRED (argmax, §6.1) and DONE.
// Every memory access is a two-stage pipeline: this module issues the read
// (stage 1) and tells the lanes, one cycle later, which operation the data
// read belong to (stage 2, the c_* outputs); the lanes write back at the end
// of stage 2. Not here: arithmetic (the lanes), the queue (snn_scheduler).
`default_nettype none

module snn_ctrl #(
    parameter integer P = 8,
    parameter integer S1 = 13,     // words per hidden row: ceil(MAX_HID / P)
    parameter integer S2 = 2,      // words per readout row: ceil(MAX_OUT / P)
    parameter integer MAX_IN = 784,
    parameter integer HA = 4,      // hidden word address bits
    parameter integer RA = 1,      // readout word address bits
    parameter integer WMA = 14     // weight memory address bits
) (
    input  wire           clk,
    input  wire           rst,
    // configuration (snn_regs)
    input  wire           start,        // start an image
    input  wire [15:0]    n_hid,
    input  wire [15:0]    n_out,
    input  wire [15:0]    n_exc,
    input  wire [15:0]    steps,
    input  wire [15:0]    hid_words,    // ceil(n_hid / P)
    input  wire [15:0]    out_words,    // ceil(n_out / P)
    input  wire           noise_busy,   // the noise generator is still deriving its seed
    // host weight writes (snn_regs)
    input  wire           w_we,
    input  wire [WMA-1:0] w_word,
    input  wire [$clog2(P)-1:0] w_lane,
    // input events
    input  wire           ev_valid,
    input  wire           ev_end,
    input  wire [15:0]    ev_index,
    output wire           ev_ready,
    // readout events (snn_scheduler)
    input  wire           ri_issue,
    input  wire [HA+$clog2(P)-1:0] ri_neuron,
    input  wire [RA-1:0]  ri_word,
    input  wire           sched_idle,
    // host reads
    input  wire           rd_en,
    input  wire [15:0]    rd_addr,
    // weight memory
    output wire [WMA-1:0] wm_addr,
    output wire [P-1:0]   wm_we,
    output wire           wm_re,
    // hidden state memories (acc1, syn, mem)
    output wire           hid_re,
    output wire [HA-1:0]  hid_raddr,
    output wire           acc1_we,
    output wire           synmem_we,
    output wire [HA-1:0]  hid_waddr,
    // readout state memories (acc2, flt, out, max)
    output wire           ro_re,
    output wire [RA-1:0]  ro_raddr,
    output wire           acc2_we,
    output wire           fom_we,       // flt, out and max
    output wire [RA-1:0]  ro_waddr,
    // operations for the lanes
    output wire           clearing,     // stage 1: write zeros (no read)
    output reg            c_int,        // stage 2: integrate an input event into acc1 (§4.1)
    output reg            c_hid,        // stage 2: hidden update (§4.2)
    output reg  [P-1:0]   c_lanes,      // stage 2 of c_hid: lanes holding neurons j < n_hid
    output reg  [15:0]    c_base,       // stage 2 of c_hid: neuron index of lane 0
    output reg            c_ri,         // stage 2: integrate a hidden spike into acc2 (§4.3)
    output reg            c_neg,        // stage 2 of c_ri: the spiking neuron is inhibitory
    output reg            c_ru,         // stage 2: readout update (§4.4)
    output reg            c_pred,       // stage 2: compare max[c_k] for the argmax (§6.1)
    output reg  [15:0]    c_k,          // stage 2 of c_pred: readout neuron k
    output reg            c_rd,         // stage 2: host read of rd_addr
    output reg  [15:0]    c_rd_addr,    // stage 2 of c_rd: the address
    // status
    output wire           busy,
    output reg            done,
    output reg  [15:0]    step          // the step being run
);
    localparam integer LP = $clog2(P);
    localparam [3:0] S_IDLE = 4'd0, S_CLEAR = 4'd1, S_INT = 4'd2, S_HID = 4'd3,
                     S_RO_WAIT = 4'd4, S_RO_UPD = 4'd5, S_PRED = 4'd6, S_DONE = 4'd7;
    localparam integer W2_BASE_INT = MAX_IN * S1;  // first word of the readout weights
    localparam [WMA-1:0] W2_BASE = W2_BASE_INT[WMA-1:0];
    wire [31:0] row_base = {16'd0, ev_index} * S1;  // first word of input row ev_index
    wire unused_row_base = &{1'b0, row_base};

    reg [3:0]  state;
    reg [15:0] word;       // word (or readout neuron in PRED) issued this cycle
    reg [HA-1:0] c_hword;  // stage 2: hidden word
    reg [RA-1:0] c_rword;  // stage 2: readout word

    // the input event engine (§4.1): W1 = hid_words weight words per event
    reg            int_busy;
    reg [HA-1:0]   int_word;
    reg [WMA-1:0]  int_base;
    wire int_last = {{(16-HA){1'b0}}, int_word} == hid_words - 16'd1;
    assign ev_ready = state == S_INT && (!int_busy || int_last);
    wire ev_take = ev_valid && ev_ready;

    wire last_word_hid = word == hid_words - 16'd1;
    wire last_word_out = word == out_words - 16'd1;
    wire [15:0] clear_words = hid_words > out_words ? hid_words : out_words;
    wire ri_run = state == S_HID || state == S_RO_WAIT;
    // host reads of the memories: when idle, or between steps (waiting for events)
    wire rd_now = rd_en && (state == S_IDLE || (state == S_INT && !int_busy));
    wire rd_hidden = rd_addr[15:13] == 3'b001;  // 0x2000 mem, 0x3000 syn

    assign clearing = state == S_CLEAR && word < clear_words;
    assign busy = state != S_IDLE;

    // weight memory: host writes when idle, input rows in INT, readout rows while the scheduler runs
    wire [WMA-1:0] ri_addr = W2_BASE + ri_neuron * S2[WMA-1:0] + {{(WMA-RA){1'b0}}, ri_word};
    assign wm_addr = state == S_IDLE ? w_word : ri_run ? ri_addr : int_base + {{(WMA-HA){1'b0}}, int_word};
    assign wm_we = state == S_IDLE && w_we ? {{(P-1){1'b0}}, 1'b1} << w_lane : {P{1'b0}};
    assign wm_re = (state == S_INT && int_busy) || (ri_run && ri_issue);

    // hidden memories
    assign hid_re = (state == S_INT && int_busy) || state == S_HID || (rd_now && rd_hidden);
    assign hid_raddr = state == S_INT && int_busy ? int_word :
                       state == S_HID ? word[HA-1:0] : rd_addr[HA+LP-1:LP];
    assign acc1_we = (clearing && word < hid_words) || c_int || c_hid;
    assign synmem_we = (clearing && word < hid_words) || c_hid;
    assign hid_waddr = state == S_CLEAR ? word[HA-1:0] : c_hword;

    // readout memories
    assign ro_re = (ri_run && ri_issue) || state == S_RO_UPD || state == S_PRED ||
                   (rd_now && !rd_hidden);
    assign ro_raddr = ri_run ? ri_word : state == S_RO_UPD ? word[RA-1:0] :
                      state == S_PRED ? word[RA+LP-1:LP] : rd_addr[RA+LP-1:LP];
    assign acc2_we = (clearing && word < out_words) || c_ri || c_ru;
    assign fom_we = (clearing && word < out_words) || c_ru;
    assign ro_waddr = state == S_CLEAR ? word[RA-1:0] : c_rword;

    // lanes of hidden word `word` that hold neurons j < n_hid
    wire [15:0] lanes_left = n_hid - {word[15-LP:0], {LP{1'b0}}};
    wire [P-1:0] word_lanes = lanes_left >= P[15:0] ? {P{1'b1}} :
                              ~({P{1'b1}} << lanes_left[LP:0]);

    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            word <= 16'd0;
            step <= 16'd0;
            done <= 1'b0;
            int_busy <= 1'b0;
            int_word <= {HA{1'b0}};
            int_base <= {WMA{1'b0}};
            c_int <= 1'b0;
            c_hid <= 1'b0;
            c_ri <= 1'b0;
            c_ru <= 1'b0;
            c_pred <= 1'b0;
            c_rd <= 1'b0;
        end else begin
            // stage 2 of what stage 1 issues now
            c_int <= state == S_INT && int_busy;
            c_hid <= state == S_HID;
            c_ri <= ri_run && ri_issue;
            c_ru <= state == S_RO_UPD;
            c_pred <= state == S_PRED;
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
                    end
                S_CLEAR:
                    if (clearing)
                        word <= word + 16'd1;
                    else if (!noise_busy)
                        state <= S_INT;
                S_INT:
                    if (ev_take && ev_end) begin
                        state <= S_HID;
                        word <= 16'd0;
                    end
                S_HID: begin
                    word <= word + 16'd1;
                    if (last_word_hid)
                        state <= S_RO_WAIT;
                end
                S_RO_WAIT:
                    // wait for the last hidden word's push (c_hid) and the queue to drain
                    if (!c_hid && sched_idle) begin
                        state <= S_RO_UPD;
                        word <= 16'd0;
                    end
                S_RO_UPD: begin
                    word <= word + 16'd1;
                    if (last_word_out) begin
                        word <= 16'd0;
                        if (step == steps - 16'd1) begin
                            state <= S_PRED;
                        end else begin
                            state <= S_INT;
                            step <= step + 16'd1;
                        end
                    end
                end
                S_PRED: begin
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
        c_hword <= state == S_INT ? int_word : word[HA-1:0];
        c_rword <= ri_run ? ri_word : word[RA-1:0];
        c_lanes <= word_lanes;
        c_base <= {word[15-LP:0], {LP{1'b0}}};
        c_neg <= {{(16-HA-LP){1'b0}}, ri_neuron} >= n_exc;
        c_k <= word;
        c_rd_addr <= rd_addr;
    end
endmodule

`default_nettype wire
