// board_batch.v - runs a batch of images from a frame bank through the core and
// keeps their results (docs/protocol.md, CLASSIFY).
//
// The batch's event codes are a bit stream (bit k of the stream is bit k % 8 of
// byte k / 8), the images back to back. Per image: the core is started with its
// image index, the codes are decoded into events and end-of-step markers offered
// to the core, and once it is done the image's result record is copied from the
// core's read port into one half of the result memory, so that the reply can go
// out while the next batch already runs. A code is a prefix, then (for the gap
// classes) that many more bits of the gap, most significant first, behind its
// leading 1 (base = input after the last event of the step, 0 at each step's start):
//   00 event at base (gap 0)      010 end of step        011 gap 16..31 (+4 bits)
//   1000 gap 1   1001 gap 2..3 (+1)   1010 4..7 (+2)   1011 8..15 (+3)
//   1100 32..63 (+5)   1101 64..127 (+6)   1110 128..255 (+7)
//   11110 256..511 (+8)   111110 512..1023 (+9)   111111 end of image: the remaining steps are empty
// A code that breaks the rules (an input >= n_in, more than `steps` ends, codes
// running past the batch) spoils the batch: the image is ended with end-of-step
// markers (the core must see all of them) and the batch is answered with E_IMAGE.
// Not here: frames, the bank switch and the reply (board_engine.v).
`default_nettype none

module board_batch #(
    parameter integer BANK_AW = 11,      // frame bank address bits
    parameter integer RES_AW = 9,        // result memory address bits (two halves)
    parameter integer R = 16,            // readout bits: max[k] go out at 1, 2, 4 or 8 bytes
    parameter integer MAX_IN = 784       // the core's inputs: sets the width of an input index
) (
    input  wire               clk,
    input  wire               rst,
    // the batch, from the engine
    input  wire               start,     // pulse, only while !busy
    input  wire [BANK_AW:0]   codes,     // bytes of codes in the bank
    input  wire [7:0]         count,     // images, >= 1
    input  wire               detail,    // 1: full records, 0: the prediction only
    input  wire [31:0]        index,     // image index of the first image (noise seed)
    input  wire [15:0]        steps,
    input  wire [14:0]        n_in,
    input  wire [15:0]        n_out,
    output wire               busy,
    output reg                image_done, // pulse: one more image run (STATUS)
    // the bank's read port (the engine owns it while !busy)
    output wire [BANK_AW-1:0] raddr,
    input  wire [7:0]         rdata,
    // the core
    output reg                wr_start,  // write register 0xF (start) with `index`
    output reg  [31:0]        wr_index,
    output wire               ev_valid,
    output wire               ev_end,
    output wire [15:0]        ev_index,
    input  wire               ev_ready,
    input  wire               core_done,
    output wire [15:0]        rd_addr,
    input  wire [63:0]        rd_data,
    // results
    output reg                res_we,
    output wire [RES_AW-1:0]  res_waddr,
    output reg  [7:0]         res_wdata,
    output reg                res_pending, // a batch's results wait for their reply
    input  wire               res_sent,  // pulse: that reply went out (frees the half)
    output reg                res_half,  // half holding them
    output reg  [RES_AW-2:0]  res_len,   // their bytes
    output reg  [7:0]         res_code   // 0, or the error code that answers the batch
);
    localparam [7:0] E_PAYLOAD = 8'd17, E_IMAGE = 8'd22;
    localparam integer LVB = (R > 32) ? 3 : (R > 16) ? 2 : (R > 8) ? 1 : 0;
    // An input index: base (<= n_in <= MAX_IN) plus a gap (< 1024) fits IW bits.
    localparam integer IW = ($clog2(MAX_IN + 1) > 10 ? $clog2(MAX_IN + 1) : 10) + 1;
    localparam [2:0] R_IDLE = 3'd0, R_START = 3'd1, R_FETCH = 3'd2, R_BIT = 3'd3,
                     R_OFFER = 3'd4, R_FILL = 3'd5, R_COPY = 3'd6, R_END = 3'd7;

    reg [2:0]  state;
    reg [BANK_AW+3:0] bp;      // bit pointer into the bank
    reg [7:0]  left;           // images still to run, this one included
    reg [5:0]  pre;            // the prefix bits read so far behind a leading 1
    reg [3:0]  more;           // gap bits still to read (0: reading a prefix)
    reg [8:0]  gap;            // the gap so far, behind its leading 1
    reg [IW-1:0] base, idx;
    reg        is_end;
    reg [15:0] ends;           // end-of-step markers the core took in this image
    reg        done_seen;
    reg [RES_AW-1:0] wptr;     // {half, byte}
    reg        bad, overflow;
    reg [7:0]  j;              // record byte whose address goes out
    reg [2:0]  sel1, sel2;     // its byte in the word, one and two clocks later
    reg        go1, go2, last1, last2;   // and whether it is a byte of the record, its last

    assign busy = state != R_IDLE;
    assign raddr = bp[BANK_AW+2:3];
    assign ev_valid = state == R_OFFER || (state == R_FILL && ends != steps);
    assign ev_end = state == R_FILL || is_end;
    assign ev_index = 16'(idx);
    assign res_waddr = wptr;

    wire b = rdata[bp[2:0]];
    // codes, count and detail stay put while busy: the engine takes no request then
    wire out_of_codes = bp[BANK_AW+3:3] == codes;
    // What this bit completes: p is the prefix with it.
    wire [6:0] p = {pre, b};
    reg        c_event, c_end, c_image, c_gap;   // an event at gap_now; end of step; of image; gap bits follow
    reg [3:0]  c_bits;                           // how many
    always @(*) begin
        c_event = 1'b0;
        c_end = 1'b0;
        c_image = 1'b0;
        c_gap = 1'b0;
        c_bits = 4'd0;
        if (more != 4'd0)
            c_event = more == 4'd1;
        else casez (p)
            7'b0000100: c_event = 1'b1;                     // 00: gap 0
            7'b0001010: c_end = 1'b1;                       // 010
            7'b0001011: begin c_gap = 1'b1; c_bits = 4'd4; end
            7'b0011???: if (p[2:0] == 3'b000)
                c_event = 1'b1;                             // 1000: gap 1
            else if (p[2:0] != 3'b111) begin                // 1001 .. 1110
                c_gap = 1'b1;
                c_bits = {1'b0, p[2:0]} + {3'd0, p[2]};
            end
            7'b0111110: begin c_gap = 1'b1; c_bits = 4'd8; end
            7'b1111110: begin c_gap = 1'b1; c_bits = 4'd9; end
            7'b1111111: c_image = 1'b1;
            default: ;
        endcase
    end
    // The gap of an event completed now: its last bit, or 0 / 1 (codes 00 and 1000).
    wire [9:0] gap_now = more != 4'd0 ? {gap, b} : {9'd0, p[3]};
    wire [IW-1:0] target = base + IW'(gap_now);
    wire target_bad = {{(16-IW){1'b0}}, target} >= {1'b0, n_in};

    // Record byte j: prediction, cycles (4), spikes (4), then max[k] at 2^LVB bytes.
    wire [7:0] vbyte = j - 8'd9;
    wire [7:0] vindex = vbyte >> LVB;
    wire [2:0] vsel = LVB == 0 ? 3'd0 : 3'(vbyte & ((8'd1 << LVB) - 8'd1));
    assign rd_addr = (j == 8'd0) ? 16'h8000 : (j < 8'd5) ? 16'h8001 :
                     (j < 8'd9) ? 16'h8002 : {8'd0, vindex};
    wire [2:0] sel = (j == 8'd0) ? 3'd0 : (j < 8'd5) ? 3'(j - 8'd1) :
                     (j < 8'd9) ? 3'(j - 8'd5) : vsel;
    wire [8:0] rec_len = detail ? 9'd9 + (9'(n_out) << LVB) : 9'd1;
    wire unused = &{1'b0, n_out[15:9]};   // n_out <= MAX_OUT

    always @(posedge clk) begin
        wr_start <= 1'b0;
        res_we <= 1'b0;
        image_done <= 1'b0;
        if (core_done)
            done_seen <= 1'b1;
        if (res_sent)
            res_pending <= 1'b0;
        if (res_we)
            wptr <= wptr + 1'b1;
        if (rst) begin
            state <= R_IDLE;
            res_pending <= 1'b0;
            res_half <= 1'b0;
        end else case (state)
            R_IDLE: if (start) begin
                bp <= 0;
                left <= count;
                wr_index <= index;
                wptr <= {!res_half, {(RES_AW-1){1'b0}}};
                bad <= 1'b0;
                overflow <= 1'b0;
                state <= R_START;
            end
            R_START: begin             // a new image: start the core
                wr_start <= 1'b1;
                base <= 0;
                ends <= 16'd0;
                pre <= 6'd1;
                more <= 4'd0;
                done_seen <= 1'b0;
                state <= R_FETCH;
            end
            R_FETCH: state <= R_BIT;   // rdata follows raddr next clock
            R_BIT: begin               // one bit of a code
                bp <= bp + 1'b1;
                if (bp[2:0] == 3'd7)
                    state <= R_FETCH;
                pre <= p[5:0];
                gap <= {gap[7:0], b};
                if (more != 4'd0)
                    more <= more - 1'b1;
                is_end <= c_end;
                idx <= target;
                if (out_of_codes) begin
                    bad <= 1'b1;
                    state <= R_FILL;
                end else if (c_gap) begin
                    more <= c_bits;
                    gap <= 9'd1;
                end else if (c_image)
                    state <= R_FILL;
                else if (c_event || c_end) begin
                    pre <= 6'd1;
                    if ((c_event && target_bad) || ends == steps) begin
                        bad <= 1'b1;
                        state <= R_FILL;
                    end else
                        state <= R_OFFER;
                end
            end
            R_OFFER: if (ev_ready) begin
                if (is_end) begin
                    ends <= ends + 1'b1;
                    base <= 0;
                end else
                    base <= idx + 1'b1;
                // the bank's word under bp has been on rdata since bp moved
                state <= R_BIT;
            end
            R_FILL: if (ends == steps) begin
                if (done_seen) begin
                    j <= 8'd0;
                    go1 <= 1'b0;
                    go2 <= 1'b0;
                    state <= R_COPY;
                end
            end else if (ev_ready)
                ends <= ends + 1'b1;
            R_COPY: begin              // rd_data answers rd_addr two clocks later: a byte a clock
                go1 <= {1'b0, j} < rec_len;
                last1 <= {1'b0, j} + 9'd1 == rec_len;
                sel1 <= sel;
                if ({1'b0, j} < rec_len)
                    j <= j + 1'b1;
                go2 <= go1;
                last2 <= last1;
                sel2 <= sel1;
                if (go2) begin
                    res_wdata <= rd_data[8 * sel2 +: 8];
                    // The half keeps 2^(RES_AW-1) - 1 bytes; a batch whose records need
                    // more is answered with E_PAYLOAD.
                    if (wptr[RES_AW-2:0] == {(RES_AW-1){1'b1}})
                        overflow <= 1'b1;
                    else
                        res_we <= 1'b1;   // at wptr, which moves on with it
                    if (last2) begin
                        image_done <= 1'b1;
                        left <= left - 1'b1;
                        wr_index <= wr_index + 1'b1;
                        state <= (left == 8'd1 || bad) ? R_END : R_START;
                    end
                end
            end
            default: if (!res_pending && !res_we) begin   // R_END: the last reply has gone out,
                                                          // the last byte is written
                res_pending <= 1'b1;
                res_half <= wptr[RES_AW-1];
                res_len <= wptr[RES_AW-2:0];
                res_code <= bad ? E_IMAGE : overflow ? E_PAYLOAD : 8'd0;
                state <= R_IDLE;
            end
        endcase
    end
endmodule

`default_nettype wire
