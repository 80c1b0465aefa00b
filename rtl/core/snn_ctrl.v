// snn_ctrl.v - the control of one image: phases, word counters, memory addresses.
//
// Per image: CLEAR (state to 0, noise seeded), then per step t (spec §4):
//   INT     input events of step t, one weight word (P neurons) per cycle (§4.1)
//   HID     the hidden pass, PL neurons per cycle (§4.2); spikes go to the
//           scheduler, which meanwhile integrates them into the readout (§4.3)
//   RO_WAIT until the scheduler has drained
//   RO_UPD  the readout pass, RL neurons per cycle (§4.4)
// and after the last step PRED (argmax, §6.1) and DONE.
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
    parameter integer HA = 4,      // acc1 word address bits
    parameter integer HSA = 4,     // syn/mem sub-word address bits
    parameter integer RA = 1,      // acc2 word address bits
    parameter integer RSA = 1,     // flt/out/max sub-word address bits
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
    input  wire [15:0]    hid_subs,     // ceil(n_hid / PL)
    input  wire [15:0]    out_subs,     // ceil(n_out / RL)
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
    input  wire [15:0]    ri_neuron,
    input  wire [RA-1:0]  ri_word,
    input  wire           sched_idle,
    // host reads
    input  wire           rd_en,
    input  wire [15:0]    rd_addr,
    // weight memory
    output wire [WMA-1:0] wm_addr,
    output wire [P-1:0]   wm_we,
    output wire           wm_re,
    // hidden state memories: acc1 (P lanes), syn and mem (PL lanes)
    output wire           acc1_re,
    output wire [HA-1:0]  acc1_raddr,
    output wire           acc1_we,
    output wire [HA-1:0]  acc1_waddr,
    output wire           sm_re,
    output wire [HSA-1:0] sm_raddr,
    output wire           sm_we,
    output wire [HSA-1:0] sm_waddr,
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
    output reg            c_int,        // stage 2: integrate an input event into acc1 (§4.1)
    output reg            c_hid,        // stage 2: hidden update of one syn/mem sub-word (§4.2)
    output reg  [7:0]     c_hsub,       // stage 2 of c_hid: which PL lanes of the acc1 word
    output reg  [PL-1:0]  c_lanes,      // stage 2 of c_hid: lanes holding neurons j < n_hid
    output reg  [15:0]    c_base,       // stage 2 of c_hid: neuron index of lane 0
    output reg            c_ri,         // stage 2: integrate a hidden spike into acc2 (§4.3)
    output reg            c_neg,        // stage 2 of c_ri: the spiking neuron is inhibitory
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
    localparam [3:0] S_IDLE = 4'd0, S_CLEAR = 4'd1, S_INT = 4'd2, S_HID = 4'd3,
                     S_RO_WAIT = 4'd4, S_RO_UPD = 4'd5, S_PRED = 4'd6, S_DONE = 4'd7;
    localparam integer W2_BASE_INT = MAX_IN * S1;  // first word of the readout weights
    localparam [WMA-1:0] W2_BASE = W2_BASE_INT[WMA-1:0];

    reg [3:0]  state;
    reg [15:0] word;       // CLEAR: word; HID/RO_UPD: sub-word; PRED: readout neuron k

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
    wire [15:0] rd_j = rd_addr & 16'h0fff;        // neuron of a host read
    wire [15:0] rd_hsub = rd_j / PL[15:0], rd_rsub = rd_j / RL[15:0];
    wire [15:0] k_rsub = word / RL[15:0];
    wire last_hid = word == hid_subs - 16'd1;
    wire last_ro = word == out_subs - 16'd1;
    wire [15:0] clear_words = hid_subs > out_subs ? hid_subs : out_subs;  // >= hid/out_words
    wire ri_run = state == S_HID || state == S_RO_WAIT;
    // host reads of the memories: when idle, or between steps (waiting for events)
    wire rd_now = rd_en && (state == S_IDLE || (state == S_INT && !int_busy && !c_ru));
    wire unused_split = &{1'b0, hid_word_of, ro_word_of, rd_hsub, rd_rsub, k_rsub, hid_sub_of,
                          ro_sub_of};

    assign clearing = state == S_CLEAR && word < clear_words;
    assign busy = state != S_IDLE;

    // weight memory: host writes when idle, input rows in INT, readout rows while the scheduler runs
    wire [31:0] ri_addr = {{(32-WMA){1'b0}}, W2_BASE} + times_const(ri_neuron, S2) +
                          {{(32-RA){1'b0}}, ri_word};
    wire unused_ri_addr = &{1'b0, ri_addr};
    assign wm_addr = state == S_IDLE ? w_word : ri_run ? ri_addr[WMA-1:0] :
                     int_base + {{(WMA-HA){1'b0}}, int_word};
    assign wm_we = state == S_IDLE && w_we ? {{(P-1){1'b0}}, 1'b1} << w_lane : {P{1'b0}};
    assign wm_re = (state == S_INT && int_busy) || (ri_run && ri_issue);

    // hidden memories
    assign acc1_re = (state == S_INT && int_busy) || state == S_HID;
    assign acc1_raddr = state == S_INT ? int_word : hid_word_of[HA-1:0];
    assign sm_re = state == S_HID || rd_now;
    assign sm_raddr = state == S_HID ? word[HSA-1:0] : rd_hsub[HSA-1:0];

    // readout memories
    assign acc2_re = (ri_run && ri_issue) || state == S_RO_UPD;
    assign acc2_raddr = ri_run ? ri_word : ro_word_of[RA-1:0];
    assign fom_re = state == S_RO_UPD || (state == S_PRED && !c_ru) || rd_now;
    assign fom_raddr = state == S_RO_UPD ? word[RSA-1:0] :
                       state == S_PRED ? k_rsub[RSA-1:0] : rd_rsub[RSA-1:0];

    // lanes of hidden sub-word `word` that hold neurons j < n_hid
    wire [15:0] lanes_left = n_hid - word * PL[15:0];
    wire [PL-1:0] word_lanes = lanes_left >= PL[15:0] ? {PL{1'b1}} :
                               ~({PL{1'b1}} << lanes_left);

    // stage 2 write-back addresses and zeroing of acc1/acc2 after their last sub-word
    reg [HA-1:0]  c_hword;
    reg [HSA-1:0] c_hsword;
    reg [RA-1:0]  c_rword;
    reg [RSA-1:0] c_rsword;
    reg           c_acc1_zero, c_acc2_zero;
    assign acc1_we = (clearing && word < hid_words) || c_int || (c_hid && c_acc1_zero);
    assign acc1_waddr = state == S_CLEAR ? word[HA-1:0] : c_hword;
    assign sm_we = (clearing && word < hid_subs) || c_hid;
    assign sm_waddr = state == S_CLEAR ? word[HSA-1:0] : c_hsword;
    assign acc2_we = (clearing && word < out_words) || c_ri || (c_ru && c_acc2_zero);
    assign acc2_waddr = state == S_CLEAR ? word[RA-1:0] : c_rword;
    assign fom_we = (clearing && word < out_subs) || c_ru;
    assign fom_waddr = state == S_CLEAR ? word[RSA-1:0] : c_rsword;

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
                    if (last_hid)
                        state <= S_RO_WAIT;
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
        c_hword <= state == S_INT ? int_word : hid_word_of[HA-1:0];
        c_hsword <= word[HSA-1:0];
        c_hsub <= hid_sub_of[7:0];
        c_acc1_zero <= hid_sub_of == SP[15:0] - 16'd1 || last_hid;
        c_rword <= ri_run ? ri_word : ro_word_of[RA-1:0];
        c_rsword <= word[RSA-1:0];
        c_rsub <= ro_sub_of[7:0];
        c_acc2_zero <= ro_sub_of == SR[15:0] - 16'd1 || last_ro;
        c_lanes <= word_lanes;
        c_base <= word * PL[15:0];
        c_neg <= ri_neuron >= n_exc;
        c_k <= word;
        c_rd_addr <= rd_addr;
    end
endmodule

`default_nettype wire
