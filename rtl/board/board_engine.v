// board_engine.v - the protocol engine: checked frames in, core operations, replies out.
//
// Implements the requests of docs/protocol.md on top of the core's port
// interface (docs/core.md). The frame memory has two banks: the receiver writes
// one, a batch of images (board_batch.v) runs from the other, so the next batch
// arrives while the core works on this one. Payload bytes 0..head-1 of a frame
// (its fixed fields) go to the top 8 bytes of the receiving bank, the rest after
// the codes appended so far (`ptr`): CODES frames append, CLASSIFY appends its
// codes and hands the bank to the batch runner. Frames are acted on one at a
// time and only while no batch runs; until then the frame waits (`pending`) and
// the receiver is held. The rules that make a lossy line safe:
// - a frame takes effect only after its CRC checked (board_frame_rx.v);
// - weights and configuration load sequentially (each LOAD_DATA must start at
//   the next offset) and become the model only when LOAD_COMMIT's byte count
//   and CRC-32 match what was received; until then RUN is refused;
// - a repeated request (same seq and type as the last one applied) is not
//   applied again: its reply is regenerated from the unchanged state.
// - a batch's codes are checked as they run; a batch that breaks the rules is
//   answered with an error, not with results.
// Built of small pieces, as the core is: a payload reader (one frame buffer byte
// every other clock), the decision whether the byte just read ends the request,
// the request state machine (dedup included), one block per kind of work (load,
// core writes, appending codes, counters) and a reply writer (header, then
// payload bytes by index; a batch's results from the result memory).
// Not here: bytes and bits on the line (board_frame_rx/tx.v, board_uart_*.v).
`default_nettype none

module board_engine #(
    parameter integer BANK_AW = 11,      // frame bank address bits (two banks)
    parameter integer RES_AW = 9,        // result memory address bits (two halves)
    parameter integer P = 8,             // core build parameters (docs/core.md)
    parameter integer B = 8,
    parameter integer H = 24,
    parameter integer R = 32,
    parameter integer MAX_IN = 784,
    parameter integer MAX_HID = 100,
    parameter integer MAX_OUT = 10,
    parameter integer NOISE = 1,         // the core has its noise generator (else N must be 0)
    parameter integer MAX_LAYERS = 1,    // general builds (docs/core.md): layers, recurrence,
    parameter integer RECURRENT = 0,     // the readout's own decays
    parameter integer OUT_DECAYS = 0,
    parameter integer WORDS = 0,         // the core's weight words (0: the one-layer map's)
    parameter integer CLK_HZ = 12000000, // reported in INFO
    parameter integer BAUD = 2000000,
    parameter integer BOARD_ID = 0       // 0 simulation, 1 iCEBreaker, 2 iCE40-HX8K breakout
) (
    input  wire          clk,
    input  wire          rst,            // synchronous, active high
    // checked frames (board_frame_rx)
    input  wire          f_done,
    input  wire          f_ok,
    input  wire [7:0]    f_err,
    input  wire [7:0]    f_type,
    input  wire [7:0]    f_seq,
    input  wire [15:0]   f_len,
    input  wire          line_error,     // the UART dropped a byte (counted)
    output wire          hold,           // receiver must ignore the line
    input  wire          rx_we,          // the receiver stores payload byte rx_idx
    input  wire [15:0]   rx_idx,
    output wire          buf_we,         // frame memory write port (bank, byte)
    output wire [BANK_AW:0] buf_waddr,
    output wire [BANK_AW:0] buf_raddr,   // frame memory read port
    input  wire [7:0]    buf_rdata,
    // result memory: the batch runner writes it, replies read it
    output wire          res_we,
    output wire [RES_AW-1:0] res_waddr,
    output wire [7:0]    res_wdata,
    output wire [RES_AW-1:0] res_raddr,
    input  wire [7:0]    res_rdata,
    // the core (docs/core.md, "Ports of snn_core")
    output wire          core_wr_en,
    output wire [23:0]   core_wr_addr,
    output wire [31:0]   core_wr_data,
    output wire          core_ev_valid,
    output wire          core_ev_end,
    output wire [15:0]   core_ev_index,
    input  wire          core_ev_ready,
    input  wire          core_done,
    output wire [15:0]   core_rd_addr,
    input  wire [63:0]   core_rd_data,
    // the reply (board_frame_tx)
    output reg           tx_start,
    output reg  [7:0]    tx_type,
    output reg  [7:0]    tx_seq,
    output reg  [15:0]   tx_len,
    input  wire [15:0]   tx_idx,
    output reg  [7:0]    tx_byte,
    input  wire          tx_busy,
    // for LEDs
    output reg           model_valid,
    output wire          running
);
    // ---- constants of docs/protocol.md ----
    localparam [7:0] T_HELLO = 8'h01, T_STATUS = 8'h02, T_LOAD_BEGIN = 8'h10,
                     T_LOAD_DATA = 8'h11, T_LOAD_COMMIT = 8'h12, T_CODES = 8'h20,
                     T_CLASSIFY = 8'h22, T_ERROR = 8'h7F;
    localparam [7:0] E_UNKNOWN = 8'd16, E_PAYLOAD = 8'd17, E_OFFSET = 8'd18, E_VERIFY = 8'd19,
                     E_NO_MODEL = 8'd20, E_CONFIG = 8'd21;
    // A bank: codes in [0, CODE_BYTES), a frame's fixed fields in the top 8 bytes.
    localparam integer CODE_BYTES = (1 << BANK_AW) - 8;
    localparam integer MAX_LEN = CODE_BYTES;          // largest request payload
    // LOAD_BEGIN: u32 registers 0x0, 0x1, ... in order: ten (0x0..0x9, the one-layer map)
    // or, on a general build, 16 per block (the globals, then each layer's) up to
    // MAX_LAYERS layers. Register 0xF (start) is not written.
    localparam [15:0] CONFIG_BYTES = 16'd40;
    localparam integer GENERAL = (MAX_LAYERS > 1 || RECURRENT != 0 || OUT_DECAYS != 0) ? 1 : 0;
    localparam [15:0] CONFIG_MAX = GENERAL != 0 ? 16'(64 * (MAX_LAYERS + 1)) : CONFIG_BYTES;
    localparam integer S1 = (MAX_HID + P - 1) / P;    // weight words per w1 row
    localparam integer S2 = (MAX_OUT + P - 1) / P;    // weight words per w2 row
    localparam integer WB = (B > 8) ? 2 : 1;          // bytes per weight on the wire
    localparam integer IMAGE_BYTES = (WORDS > 0 ? WORDS : MAX_IN * S1 + MAX_HID * S2) * P * WB;
    localparam integer LW = $clog2(IMAGE_BYTES + 1);  // bits of a weight image offset
    localparam [15:0] INFO_LEN = 16'd31, STATUS_LEN = 16'd25;

    // ---- state ----
    localparam [3:0] S_IDLE = 4'd0, S_BEGIN = 4'd1, S_DATA = 4'd2, S_COMMIT = 4'd3,
                     S_CODES = 4'd4, S_CLASSIFY = 4'd5, S_REPLY = 4'd9, S_REPLY_WAIT = 4'd10;
    localparam [2:0] K_EMPTY = 3'd0, K_ERROR = 3'd1, K_INFO = 3'd2, K_STATUS = 3'd3,
                     K_OFFSET = 3'd4, K_COUNT = 3'd5;

    reg [3:0]  state;
    reg [7:0]  req_type, req_seq;
    reg [15:0] req_len;
    reg [15:0] pos;            // payload byte being read
    reg        phase;          // 0: address out, 1: buf_rdata is payload[pos]
    reg [23:0] acc;            // the last three payload bytes (little-endian fields)
    reg [31:0] field0;         // the u32 at payload offset 0 (COMMIT's total)
    reg [2:0]  reply_kind;
    reg [7:0]  reply_code;     // error code of an ERROR reply (0 = none)

    // dedup: the last request applied
    reg        last_valid;
    reg [7:0]  last_seq, last_type, last_code;

    // loading
    reg        loading, cfg_bad;
    reg [LW-1:0] load_offset;   // weight bytes received so far
    reg [31:0] crc32;          // inverted form (board_crc32_byte.v)
    reg [31:0] model_crc;
    reg [14:0] n_in;                           // (synthesis drops the bits MAX_* rule out)
    reg [15:0] n_hidden, n_out, steps;  // n_hidden: the size of the layer being configured
    reg [7:0]  weight_lo;      // first byte of a 2-byte weight (WB = 2)

    // the banks: the receiver's (rx_bank) gets codes appended at ptr; a batch runs
    // from the other. head: payload bytes of a frame's fixed fields.
    reg        rx_bank, pending;
    reg [BANK_AW-1:0] ptr;
    reg [7:0]  batch_count;
    reg        batch_detail;
    wire [3:0] head = (f_type == T_CLASSIFY) ? 4'd8 : 4'd2;
    // Where payload byte i of the frame in the receiving bank is.
    function [BANK_AW-1:0] place(input [15:0] i, input [BANK_AW-1:0] at, input [3:0] h);
        place = (i < {12'd0, h}) ? {{(BANK_AW-3){1'b1}}, i[2:0]} : BANK_AW'({{(16-BANK_AW){1'b0}}, at} + i - {12'd0, h});
    endfunction
    wire [16:0] rx_end = {{(17-BANK_AW){1'b0}}, ptr} + {1'b0, rx_idx};
    assign buf_we = rx_we && (rx_idx < {12'd0, head} ||
                              rx_end < 17'(CODE_BYTES) + {13'd0, head});
    assign buf_waddr = {rx_bank, place(rx_idx, ptr, head)};
    // The frame's codes fit behind the codes appended so far.
    wire [16:0] codes_end = {{(17-BANK_AW){1'b0}}, ptr} + {1'b0, req_len} - {13'd0, head};
    wire codes_fit = codes_end <= 17'(CODE_BYTES);

    // counters for STATUS (narrower than their fields: they wrap, and cost less)
    reg [15:0] frames_ok;
    reg [15:0] images;
    reg [7:0]  crc_errors, length_errors, truncated, line_errors;

    wire [31:0] crc32_next;
    board_crc32_byte crc_step (.crc_in(crc32), .data(buf_rdata), .crc_out(crc32_next));

    wire batch_busy, batch_start, batch_wr, res_pending, res_half, image_done;
    wire [BANK_AW-1:0] batch_raddr;
    wire [31:0] batch_index;
    wire [RES_AW-2:0] res_len;
    wire [7:0] res_code;
    reg res_sending, res_sent;
    assign buf_raddr = batch_busy ? {!rx_bank, batch_raddr} : {rx_bank, place(pos, ptr, head)};
    assign hold = pending || (state != S_IDLE);
    assign running = batch_busy;

    // Where a LOAD_DATA frame's bytes would end (DW bits: no overflow of offset + length).
    localparam integer DW = (LW > 16 ? LW : 16) + 1;
    wire [DW-1:0] data_end = DW'(load_offset) + DW'(req_len) - DW'(4);
    wire [15:0] word = {buf_rdata, acc[23:16]};   // a u16 completed by this byte
    wire [31:0] dword = {buf_rdata, acc};         // a u32 completed by this byte
    wire last_byte = (pos + 1'b1 == req_len);
    // CLASSIFY is not in the list: running a batch again changes nothing, so a
    // repeated one runs again (its results may be gone from the result memory).
    wire mutating = (f_type == T_LOAD_BEGIN) || (f_type == T_LOAD_DATA) ||
                    (f_type == T_LOAD_COMMIT) || (f_type == T_CODES);

    // Reply kind of a request that succeeded.
    function [2:0] ok_kind(input [7:0] t);
        case (t)
            T_HELLO: ok_kind = K_INFO;
            T_STATUS: ok_kind = K_STATUS;
            T_LOAD_DATA: ok_kind = K_OFFSET;
            T_CODES: ok_kind = K_COUNT;
            default: ok_kind = K_EMPTY;
        endcase
    endfunction

    // Config register checks (docs/protocol.md, LOAD_BEGIN), one comparator for all:
    // registers 0-4 and 8 (and a layer's size, n_exc, recurrent; n_layers) must fit 16
    // bits and be <= a limit; 0-2, 4, a layer's size and n_layers must not be 0; theta
    // (5, a layer's 5) must be 1 .. 2^(H-1)-1, the core's range (spec §2.3): the core
    // keeps only its low H bits, so a wider theta would run as another threshold.
    // (a one-layer build takes registers 0x0..0x9 only: no logic for the rest)
    wire [7:0] cfg_reg = GENERAL != 0 ? pos[9:2] : {4'd0, pos[5:2]};
    wire [3:0] cfg_off = cfg_reg[3:0];
    wire cfg_layer = cfg_reg[7:4] != 4'd0;           // a layer's block (0x10 * (l + 1) + off)
    reg [15:0] cfg_limit;
    reg cfg_checked, cfg_zero_ok;
    always @(*) begin
        cfg_limit = 16'hFFFF;
        cfg_checked = 1'b1;
        cfg_zero_ok = 1'b0;
        case ({cfg_layer, cfg_off})
            5'h00: cfg_limit = 16'(MAX_IN);
            5'h01, 5'h11: cfg_limit = 16'(MAX_HID);
            5'h02: cfg_limit = 16'(MAX_OUT);
            5'h03, 5'h13: begin cfg_limit = n_hidden; cfg_zero_ok = 1'b1; end
            5'h04: ;
            5'h08: begin cfg_limit = NOISE != 0 ? 16'd16 : 16'd0; cfg_zero_ok = 1'b1; end
            // n_layers: no more than the blocks sent, or a layer would run on stale registers
            5'h0C: cfg_limit = GENERAL != 0 ? 16'(req_len[15:6]) - 16'd1 : 16'(MAX_LAYERS);
            5'h1C: begin cfg_limit = 16'(RECURRENT != 0 ? 1 : 0); cfg_zero_ok = 1'b1; end
            default: cfg_checked = 1'b0;
        endcase
    end
    wire theta_ok = dword[31:H-1] == 0 && dword != 32'd0;
    wire cfg_value_ok = cfg_off == 4'd5 ? theta_ok :
                        !cfg_checked || (dword[31:16] == 16'd0 && dword[15:0] <= cfg_limit &&
                                         (dword[15:0] != 16'd0 || cfg_zero_ok));

    // ---- the payload reader ----
    // In a reading state pos walks the request's payload in the frame buffer: on one
    // clock its address goes out, on the next (`take`) buf_rdata is payload[pos];
    // acc keeps the three bytes before it, so `word` and `dword` are the u16 and u32
    // that end at this byte. The handlers below act only on `take`.
    wire reading = (state == S_BEGIN) || (state == S_DATA) || (state == S_COMMIT) ||
                   (state == S_CODES) || (state == S_CLASSIFY);
    wire take = reading && phase;
    wire first = reading && !phase && pos == 16'd0;   // a payload starts: handlers set up
    always @(posedge clk) begin
        if (!reading) begin
            pos <= 16'd0;
            phase <= 1'b0;
        end else begin
            phase <= !phase;
            if (phase) begin
                pos <= pos + 1'b1;
                acc <= dword[31:8];
            end
        end
    end

    // ---- what the byte just read decides: the request ends here (fin, with its code) ----
    wire offset_bad = !loading || dword != 32'(load_offset) || data_end > DW'(IMAGE_BYTES);
    wire commit_ok = loading && field0 == IMAGE_BYTES && load_offset == LW'(IMAGE_BYTES) &&
                     dword == ~crc32;
    wire codes_bad = word != 16'(ptr) || !codes_fit;   // CODES, CLASSIFY: not the next offset
    reg  batch_bad;                                    // CLASSIFY: codes_bad, kept from byte 1
    always @(posedge clk)
        if (take && pos == 16'd1)
            batch_bad <= codes_bad;
    assign batch_start = take && state == S_CLASSIFY && pos == 16'd7 && !batch_bad &&
                         batch_count != 8'd0;
    reg       fin;
    reg [7:0] fin_code;
    always @(*) begin
        fin = 1'b0;
        fin_code = 8'd0;
        case (state)
            S_BEGIN: begin        // register 0x9 (seed) takes any value
                fin = take && last_byte;
                fin_code = cfg_bad ? E_CONFIG : 8'd0;
            end
            S_DATA: begin
                fin = take && pos >= 16'd3 && (last_byte || (pos == 16'd3 && offset_bad));
                fin_code = (pos == 16'd3 && offset_bad) ? E_OFFSET : 8'd0;
            end
            S_COMMIT: begin
                fin = take && pos == 16'd7;
                fin_code = commit_ok ? 8'd0 : E_VERIFY;
            end
            S_CODES: begin
                fin = take && pos == 16'd1;
                fin_code = codes_bad ? E_OFFSET : 8'd0;
            end
            S_CLASSIFY: begin      // only a refusal ends it with a reply (results come later)
                fin = take && pos == 16'd7 && !batch_start;
                fin_code = batch_bad ? E_OFFSET : E_PAYLOAD;
            end
            default: ;
        endcase
    end

    // ---- the request state machine: accept a frame, dedup, hand over to the reply ----
    wire repeated = mutating && last_valid && f_seq == last_seq && f_type == last_type;
    task reply(input [2:0] kind, input [7:0] code);
        begin
            reply_kind <= kind;
            reply_code <= code;
            state <= S_REPLY;
        end
    endtask

    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            last_valid <= 1'b0;
        end else case (state)
            S_IDLE: if (pending && !batch_busy) begin
                req_type <= f_type;
                req_seq <= f_seq;
                req_len <= f_len;
                if (!f_ok)
                    reply(K_ERROR, f_err);
                else if (repeated)
                    reply(last_code != 0 ? K_ERROR : ok_kind(f_type), last_code);
                else case (f_type)
                    T_HELLO: begin
                        last_valid <= 1'b0;
                        reply(K_INFO, 8'd0);
                    end
                    T_STATUS: reply(K_STATUS, 8'd0);
                    // The long form's 64 (1 + L) bytes (none on a one-layer build), or the
                    // short form's 40 on a one-layer build only: on a general one it would
                    // leave n_layers, the readout's decays and the layer blocks stale.
                    T_LOAD_BEGIN: if ((GENERAL != 0 || f_len != CONFIG_BYTES) &&
                                      (f_len[5:0] != 6'd0 || f_len < 16'd128 || f_len > CONFIG_MAX))
                            reply(K_ERROR, E_PAYLOAD);
                        else state <= S_BEGIN;
                    T_LOAD_DATA: if (f_len < 16'd4) reply(K_ERROR, E_PAYLOAD);
                        else state <= S_DATA;
                    T_LOAD_COMMIT: if (f_len != 16'd8) reply(K_ERROR, E_PAYLOAD);
                        else state <= S_COMMIT;
                    T_CODES: if (f_len < 16'd2) reply(K_ERROR, E_PAYLOAD);
                        else state <= S_CODES;
                    T_CLASSIFY: if (f_len < 16'd8) reply(K_ERROR, E_PAYLOAD);
                        else if (!model_valid) reply(K_ERROR, E_NO_MODEL);
                        else state <= S_CLASSIFY;
                    default: reply(K_ERROR, E_UNKNOWN);
                endcase
            end
            S_REPLY: if (!tx_busy && !tx_start && !res_pending && !res_sending)
                state <= S_REPLY_WAIT;
            S_REPLY_WAIT: if (!tx_busy && !tx_start) state <= S_IDLE;
            default: if (fin) begin   // a mutating request ends: remember it for dedup
                last_valid <= 1'b1;
                last_seq <= req_seq;
                last_type <= req_type;
                last_code <= fin_code;
                reply(fin_code != 0 ? K_ERROR : ok_kind(req_type), fin_code);
            end else if (batch_start)
                state <= S_IDLE;
        endcase
    end

    // ---- LOAD_BEGIN, LOAD_DATA, LOAD_COMMIT: configuration, weights, verification ----
    always @(posedge clk) begin
        if (rst) begin
            loading <= 1'b0;
            model_valid <= 1'b0;
            model_crc <= 32'd0;
            load_offset <= 0;
            n_in <= 15'd0;
            n_hidden <= 16'd0;
            n_out <= 16'd0;
            steps <= 16'd0;
        end else if (state == S_BEGIN) begin
            if (first) begin
                model_valid <= 1'b0;   // from here until a verified commit
                loading <= 1'b0;
                cfg_bad <= 1'b0;
                crc32 <= 32'hFFFFFFFF;
            end
            if (take) begin
                crc32 <= crc32_next;
                if (pos[1:0] == 2'd3) begin
                    if (!cfg_value_ok)
                        cfg_bad <= 1'b1;
                    case (cfg_reg)
                        8'h00: n_in <= dword[14:0];
                        8'h02: n_out <= dword[15:0];
                        8'h04: steps <= dword[15:0];
                        default: if (cfg_off == 4'd1)
                            n_hidden <= dword[15:0];
                    endcase
                end
                if (last_byte) begin
                    loading <= !cfg_bad;
                    load_offset <= 0;
                end
            end
        end else if (state == S_DATA) begin
            if (take && pos > 16'd3) begin
                crc32 <= crc32_next;
                weight_lo <= buf_rdata;
                load_offset <= load_offset + 1'b1;
            end
        end else if (state == S_COMMIT) begin
            if (take && pos == 16'd3)
                field0 <= dword;
            if (fin) begin
                loading <= 1'b0;
                if (commit_ok) begin
                    model_valid <= 1'b1;
                    model_crc <= dword;
                end
            end
        end
    end

    // ---- the core's write port: configuration registers, weights; the batch starts images ----
    reg        load_wr;
    reg [23:0] load_addr;
    reg [31:0] load_data;
    always @(posedge clk) begin
        load_wr <= 1'b0;
        if (take && state == S_BEGIN && pos[1:0] == 2'd3) begin
            load_wr <= cfg_reg != 8'h0F;
            load_addr <= {16'h8000, cfg_reg};
            load_data <= dword;
        end else if (take && state == S_DATA && pos > 16'd3 && (WB == 1 || load_offset[0])) begin
            load_wr <= 1'b1;
            load_addr <= 24'(load_offset[LW-1:WB-1]);
            load_data <= (WB == 1) ? {24'd0, buf_rdata} : {16'd0, buf_rdata, weight_lo};
        end
    end
    assign core_wr_en = load_wr || batch_wr;
    assign core_wr_addr = batch_wr ? 24'h80000F : load_addr;   // 0xF: start an image
    // The image index seeds the noise generator; without one the core ignores it.
    assign core_wr_data = (batch_wr && NOISE != 0) ? batch_index : load_data;

    // ---- CODES and CLASSIFY: append, hand the bank over; frames wait for the engine ----
    always @(posedge clk) begin
        if (rst) begin
            rx_bank <= 1'b0;
            ptr <= 0;
            pending <= 1'b0;
        end else begin
            if (f_done)
                pending <= 1'b1;
            else if (state == S_IDLE && !batch_busy)
                pending <= 1'b0;
            if (take && state == S_CLASSIFY && pos == 16'd2)
                batch_count <= buf_rdata;
            if (take && state == S_CLASSIFY && pos == 16'd3)
                batch_detail <= buf_rdata[0];
            if (take && (state == S_CODES || state == S_CLASSIFY) && pos == 16'd1) begin
                if (codes_bad)
                    ptr <= 0;             // out of sequence: the batch starts over
                else if (state == S_CODES)
                    ptr <= codes_end[BANK_AW-1:0];
            end
            if (batch_start) begin
                rx_bank <= !rx_bank;
                ptr <= 0;
            end
        end
    end
    reg [BANK_AW:0] batch_codes;
    always @(posedge clk)
        if (take && state == S_CLASSIFY && pos == 16'd1)
            batch_codes <= codes_end[BANK_AW:0];

    board_batch #(.BANK_AW(BANK_AW), .RES_AW(RES_AW), .R(R), .MAX_IN(MAX_IN)) batch (
        .clk(clk), .rst(rst), .start(batch_start), .codes(batch_codes), .count(batch_count),
        .detail(batch_detail), .index(dword), .steps(steps), .n_in(n_in), .n_out(n_out),
        .busy(batch_busy), .image_done(image_done), .raddr(batch_raddr), .rdata(buf_rdata),
        .wr_start(batch_wr), .wr_index(batch_index), .ev_valid(core_ev_valid),
        .ev_end(core_ev_end), .ev_index(core_ev_index), .ev_ready(core_ev_ready),
        .core_done(core_done), .rd_addr(core_rd_addr), .rd_data(core_rd_data),
        .res_we(res_we), .res_waddr(res_waddr), .res_wdata(res_wdata),
        .res_pending(res_pending), .res_sent(res_sent), .res_half(res_half),
        .res_len(res_len), .res_code(res_code));
    // ---- counters for STATUS ----
    always @(posedge clk) begin
        if (rst) begin
            frames_ok <= 16'd0;
            images <= 16'd0;
            crc_errors <= 8'd0;
            length_errors <= 8'd0;
            truncated <= 8'd0;
            line_errors <= 8'd0;
        end else begin
            if (line_error)
                line_errors <= line_errors + 1'b1;
            if (f_done) begin
                if (f_ok)
                    frames_ok <= frames_ok + 1'b1;
                else case (f_err)
                    8'd1: crc_errors <= crc_errors + 1'b1;
                    8'd2: length_errors <= length_errors + 1'b1;
                    default: truncated <= truncated + 1'b1;
                endcase
            end
            if (image_done)
                images <= images + 1'b1;
        end
    end

    // ---- the reply writer: hands a reply's header to board_frame_tx ----
    // A batch's results go first when both wait (the host has been waiting longer).
    wire tx_free = !tx_busy && !tx_start && !res_sending;
    wire send_result = res_pending && !res_sent && tx_free && !rst;
    always @(posedge clk) begin
        tx_start <= 1'b0;
        res_sent <= 1'b0;
        if (rst)
            res_sending <= 1'b0;
        else if (res_sending && !tx_busy && !tx_start) begin
            res_sending <= 1'b0;
            res_sent <= 1'b1;
        end
        if (send_result) begin
            tx_start <= 1'b1;
            res_sending <= 1'b1;
            tx_type <= res_code != 0 ? T_ERROR : (T_CLASSIFY | 8'h80);
            tx_seq <= batch_seq;
            tx_len <= res_code != 0 ? 16'd2 : 16'(res_len);
        end else if (!rst && state == S_REPLY && tx_free && !res_pending) begin
            tx_start <= 1'b1;
            tx_type <= reply_kind == K_ERROR ? T_ERROR : (req_type | 8'h80);
            tx_seq <= req_seq;
            case (reply_kind)
                K_ERROR: tx_len <= 16'd2;
                K_INFO: tx_len <= INFO_LEN;
                K_STATUS: tx_len <= STATUS_LEN;
                K_OFFSET: tx_len <= 16'd4;
                K_COUNT: tx_len <= 16'd2;
                default: tx_len <= 16'd0;
            endcase
        end
    end
    // The seq a batch's results answer: its CLASSIFY's.
    reg [7:0] batch_seq;
    always @(posedge clk)
        if (batch_start)
            batch_seq <= req_seq;

    // ---- reply payload bytes, served to board_frame_tx by index ----
    // INFO and STATUS as byte vectors (byte n at [8n +: 8]), indexed by tx_idx[4:0].
    // The build (docs/protocol.md, HELLO): bit 0 the noise generator, 1 recurrent layers,
    // 2 the readout's own decays, 4..6 MAX_LAYERS.
    wire [7:0] features = {1'b0, 3'(MAX_LAYERS), 1'b0, OUT_DECAYS != 0 || GENERAL != 0,
                           RECURRENT != 0, NOISE != 0};
    wire [31*8-1:0] info = {
        16'((1 << (RES_AW - 1)) - 1), features, 32'(IMAGE_BYTES), 32'(BAUD), 32'(CLK_HZ),
        16'(MAX_OUT), 16'(MAX_HID), 16'(MAX_IN),
        8'(R), 8'(H), 8'(B), 8'(P), 16'(CODE_BYTES), 16'(MAX_LEN), 8'(BOARD_ID),
        8'd5 /* protocol version */};
    wire [25*8-1:0] status = {
        16'd0, images, 8'd0, line_errors, 8'd0, truncated, 8'd0, length_errors, 8'd0, crc_errors,
        16'd0, frames_ok,
        offset32, model_crc, 6'd0, loading, model_valid};
    wire [4:0] small_idx = tx_idx[4:0];    // INFO and STATUS are < 32 bytes
    wire [31:0] offset32 = 32'(load_offset);
    wire [15:0] ptr16 = 16'(ptr);
    assign res_raddr = {res_half, tx_idx[RES_AW-2:0]};   // results are < 2^(RES_AW-1) bytes
    wire unused_idx = &{1'b0, tx_idx[15:RES_AW-1]};

    always @(posedge clk) begin
        if (res_sending)
            tx_byte <= res_code != 0 ? (tx_idx[0] ? T_CLASSIFY : res_code) : res_rdata;
        else case (reply_kind)
            K_ERROR: tx_byte <= tx_idx[0] ? req_type : reply_code;
            K_OFFSET: tx_byte <= offset32[8 * tx_idx[1:0] +: 8];
            K_COUNT: tx_byte <= tx_idx[0] ? ptr16[15:8] : ptr16[7:0];
            K_INFO: tx_byte <= info[8 * small_idx +: 8];
            K_STATUS: tx_byte <= status[8 * small_idx +: 8];
            default: tx_byte <= 8'd0;
        endcase
    end
endmodule

`default_nettype wire
