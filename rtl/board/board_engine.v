// board_engine.v - the protocol engine: checked frames in, core operations, replies out.
//
// Implements the requests of docs/protocol.md on top of the core's port
// interface (docs/core.md). One request at a time: while the engine works on a
// frame (and while its reply goes out) it holds the receiver, so the frame
// buffer is never overwritten under it. The rules that make a lossy line safe:
// - a frame takes effect only after its CRC checked (board_frame_rx.v);
// - weights and configuration load sequentially (each LOAD_DATA must start at
//   the next offset) and become the model only when LOAD_COMMIT's byte count
//   and CRC-32 match what was received; until then RUN is refused;
// - a repeated request (same seq and type as the last one applied) is not
//   applied again: its reply is regenerated from the unchanged state.
// Built of small pieces, as the core is: a payload reader (one frame buffer byte
// every other clock), the decision whether the byte just read ends the request,
// the request state machine (dedup included), one block per kind of work (load,
// core writes, image, run, counters) and a reply writer (header, then payload
// bytes by index).
// Not here: bytes and bits on the line (board_frame_rx/tx.v, board_uart_*.v).
`default_nettype none

module board_engine #(
    parameter integer MAX_LEN = 512,     // frame buffer bytes = largest request payload
    parameter integer AW = 9,            // frame buffer address bits
    parameter integer EV_AW = 10,        // event memory address bits (event code bytes of an image)
    parameter integer P = 8,             // core build parameters (docs/core.md)
    parameter integer B = 8,
    parameter integer H = 24,
    parameter integer R = 32,
    parameter integer MAX_IN = 784,
    parameter integer MAX_HID = 100,
    parameter integer MAX_OUT = 10,
    parameter integer NOISE = 1,         // the core has its noise generator (else N must be 0)
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
    output wire [AW-1:0] buf_raddr,      // frame buffer read port
    input  wire [7:0]    buf_rdata,
    // event memory of the current image
    output reg              ev_we,
    output reg  [EV_AW-1:0] ev_waddr,
    output reg  [7:0]       ev_wdata,
    output reg  [EV_AW-1:0] ev_raddr,
    input  wire [7:0]       ev_rdata,
    // the core (docs/core.md, "Ports of snn_core")
    output reg           core_wr_en,
    output reg  [23:0]   core_wr_addr,
    output reg  [31:0]   core_wr_data,
    output reg           core_ev_valid,
    output wire          core_ev_end,
    output wire [15:0]   core_ev_index,
    input  wire          core_ev_ready,
    input  wire          core_done,
    output wire          core_rd_en,
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
                     T_LOAD_DATA = 8'h11, T_LOAD_COMMIT = 8'h12, T_IMAGE_DATA = 8'h20,
                     T_RUN = 8'h21, T_ERROR = 8'h7F;
    localparam [7:0] E_UNKNOWN = 8'd16, E_PAYLOAD = 8'd17, E_OFFSET = 8'd18, E_VERIFY = 8'd19,
                     E_NO_MODEL = 8'd20, E_CONFIG = 8'd21, E_IMAGE = 8'd22;
    localparam [15:0] CONFIG_BYTES = 16'd40;          // ten u32 registers 0x0..0x9
    localparam integer S1 = (MAX_HID + P - 1) / P;    // weight words per w1 row
    localparam integer S2 = (MAX_OUT + P - 1) / P;    // weight words per w2 row
    localparam integer WB = (B > 8) ? 2 : 1;          // bytes per weight on the wire
    localparam integer IMAGE_BYTES = (MAX_IN * S1 + MAX_HID * S2) * P * WB;
    localparam integer LVB = (R > 32) ? 3 : 2;        // log2 bytes per readout value in RESULT
    localparam integer LW = $clog2(IMAGE_BYTES + 1);  // bits of a weight image offset
    localparam [15:0] INFO_LEN = 16'd29, STATUS_LEN = 16'd25;

    // ---- state ----
    localparam [3:0] S_IDLE = 4'd0, S_BEGIN = 4'd1, S_DATA = 4'd2, S_COMMIT = 4'd3,
                     S_IMAGE = 4'd4, S_RUN_ARGS = 4'd5, S_RUN_FETCH = 4'd6,
                     S_RUN_OFFER = 4'd7, S_RUN_WAIT = 4'd8, S_REPLY = 4'd9, S_REPLY_WAIT = 4'd10;
    localparam [2:0] K_EMPTY = 3'd0, K_ERROR = 3'd1, K_INFO = 3'd2, K_STATUS = 3'd3,
                     K_OFFSET = 3'd4, K_COUNT = 3'd5, K_RESULT = 3'd6;

    reg [3:0]  state;
    reg [7:0]  req_type, req_seq;
    reg [15:0] req_len;
    reg [15:0] pos;            // payload byte being read
    reg        phase;          // 0: address out, 1: buf_rdata is payload[pos]
    reg [23:0] acc;            // the last three payload bytes (little-endian fields)
    reg [31:0] field0;         // the u32 at payload offset 0 (COMMIT's total, RUN's image index)
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
    reg [15:0] n_hidden, n_out, steps;
    reg [7:0]  weight_lo;      // first byte of a 2-byte weight (WB = 2)

    // the image, as event codes (docs/protocol.md, IMAGE_DATA): 0 ends a step,
    // 1..254 is the next event at `base` + code - 1, 255 skips 254 inputs; `base`
    // (the index after the last event) is 0 at the start of every step.
    localparam [7:0] CODE_END = 8'd0, CODE_SKIP = 8'd255;
    reg [EV_AW:0] img_bytes, run_bytes, run_ptr;
    reg [15:0] img_markers;
    reg        img_bad, img_ends_marker, run_done;
    reg [15:0] img_base, run_base;
    wire [15:0] img_bytes16 = {{(15 - EV_AW){1'b0}}, img_bytes};
    // Decoding while storing (to check the indices): bit 15 of the base is sticky, so
    // no run of skips can wrap it around to a small, valid-looking index.
    wire [7:0] ev_code = buf_rdata;
    wire [15:0] img_base_next = img_base[15] ? img_base
                              : img_base + ((ev_code == CODE_SKIP) ? 16'd254 : {8'd0, ev_code});

    // counters for STATUS (narrower than their fields: they wrap, and cost less)
    reg [15:0] frames_ok;
    reg [31:0] images;
    reg [7:0]  crc_errors, length_errors, truncated, line_errors;

    wire [31:0] crc32_next;
    board_crc32_byte crc_step (.crc_in(crc32), .data(buf_rdata), .crc_out(crc32_next));

    assign buf_raddr = pos[AW-1:0];
    assign hold = (state != S_IDLE) || tx_busy;
    assign running = (state == S_RUN_FETCH) || (state == S_RUN_OFFER) || (state == S_RUN_WAIT);
    assign core_ev_end = (ev_rdata == CODE_END);
    assign core_ev_index = run_base + {8'd0, ev_rdata} - 16'd1;

    // Where a LOAD_DATA frame's bytes would end (DW bits: no overflow of offset + length).
    localparam integer DW = (LW > 16 ? LW : 16) + 1;
    wire [DW-1:0] data_end = DW'(load_offset) + DW'(req_len) - DW'(4);
    wire [15:0] word = {buf_rdata, acc[23:16]};   // a u16 completed by this byte
    wire [31:0] dword = {buf_rdata, acc};         // a u32 completed by this byte
    wire last_byte = (pos + 1'b1 == req_len);
    wire mutating = (f_type == T_LOAD_BEGIN) || (f_type == T_LOAD_DATA) ||
                    (f_type == T_LOAD_COMMIT) || (f_type == T_IMAGE_DATA) || (f_type == T_RUN);

    // Reply kind of a request that succeeded.
    function [2:0] ok_kind(input [7:0] t);
        case (t)
            T_HELLO: ok_kind = K_INFO;
            T_STATUS: ok_kind = K_STATUS;
            T_LOAD_DATA: ok_kind = K_OFFSET;
            T_IMAGE_DATA: ok_kind = K_COUNT;
            T_RUN: ok_kind = K_RESULT;
            default: ok_kind = K_EMPTY;
        endcase
    endfunction

    // Config register checks (docs/protocol.md, LOAD_BEGIN), one comparator for all:
    // registers 0-4 and 8 must fit 16 bits and be <= a limit; 0-2 and 4 must not be 0;
    // theta (5) must be 1 .. 2^(H-1)-1, the core's range (spec §2.3): the core keeps only
    // its low H bits, so a wider theta would run as another threshold.
    wire [3:0] cfg_reg = pos[5:2];
    reg [15:0] cfg_limit;
    always @(*) begin
        case (cfg_reg)
            4'd0: cfg_limit = 16'(MAX_IN);
            4'd1: cfg_limit = 16'(MAX_HID);
            4'd2: cfg_limit = 16'(MAX_OUT);
            4'd3: cfg_limit = n_hidden;
            4'd8: cfg_limit = NOISE != 0 ? 16'd16 : 16'd0;
            default: cfg_limit = 16'hFFFF;
        endcase
    end
    wire cfg_checked = cfg_reg <= 4'd4 || cfg_reg == 4'd8;
    wire theta_ok = dword[31:H-1] == 0 && dword != 32'd0;
    wire cfg_value_ok = cfg_reg == 4'd5 ? theta_ok :
                        !cfg_checked || (dword[31:16] == 16'd0 && dword[15:0] <= cfg_limit &&
                                         (dword[15:0] != 16'd0 || cfg_reg == 4'd3 ||
                                          cfg_reg == 4'd8));

    // ---- the payload reader ----
    // In a reading state pos walks the request's payload in the frame buffer: on one
    // clock its address goes out, on the next (`take`) buf_rdata is payload[pos];
    // acc keeps the three bytes before it, so `word` and `dword` are the u16 and u32
    // that end at this byte. The handlers below act only on `take`.
    wire reading = (state == S_BEGIN) || (state == S_DATA) || (state == S_COMMIT) ||
                   (state == S_IMAGE) || (state == S_RUN_ARGS);
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
    wire img_offset_bad = word != 16'd0 && word != img_bytes16;
    wire img_bad_run = img_bytes16 != word || img_markers != steps || !img_ends_marker || img_bad;
    wire run_start = take && state == S_RUN_ARGS && pos == 16'd5 && !img_bad_run;
    wire run_last = run_ptr + 1'b1 == run_bytes;       // the event code being offered is the last
    wire run_step = state == S_RUN_OFFER &&            // it goes: a skip, or the core took it
                    (ev_rdata == CODE_SKIP || (core_ev_valid && core_ev_ready));
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
            S_IMAGE: begin
                fin = take && pos >= 16'd1 && (last_byte || (pos == 16'd1 && img_offset_bad));
                fin_code = (pos == 16'd1 && img_offset_bad) ? E_OFFSET : 8'd0;
            end
            S_RUN_ARGS: begin
                fin = take && pos == 16'd5 && img_bad_run;
                fin_code = E_IMAGE;
            end
            S_RUN_WAIT: fin = run_done;
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
            S_IDLE: if (f_done) begin
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
                    T_LOAD_BEGIN: if (f_len != CONFIG_BYTES) reply(K_ERROR, E_PAYLOAD);
                        else state <= S_BEGIN;
                    T_LOAD_DATA: if (f_len < 16'd4) reply(K_ERROR, E_PAYLOAD);
                        else state <= S_DATA;
                    T_LOAD_COMMIT: if (f_len != 16'd8) reply(K_ERROR, E_PAYLOAD);
                        else state <= S_COMMIT;
                    T_IMAGE_DATA: if (f_len < 16'd2) reply(K_ERROR, E_PAYLOAD);
                        else if (!model_valid) reply(K_ERROR, E_NO_MODEL);
                        else state <= S_IMAGE;
                    T_RUN: if (f_len != 16'd6) reply(K_ERROR, E_PAYLOAD);
                        else if (!model_valid) reply(K_ERROR, E_NO_MODEL);
                        else state <= S_RUN_ARGS;
                    default: reply(K_ERROR, E_UNKNOWN);
                endcase
            end
            S_RUN_FETCH: state <= S_RUN_OFFER;      // ev_rdata follows ev_raddr next clock
            S_RUN_OFFER: if (run_step) state <= run_last ? S_RUN_WAIT : S_RUN_FETCH;
            S_REPLY: if (!tx_busy) state <= S_REPLY_WAIT;
            S_REPLY_WAIT: if (!tx_busy && !tx_start) state <= S_IDLE;
            default: if (fin) begin   // a mutating request ends: remember it for dedup
                last_valid <= 1'b1;
                last_seq <= req_seq;
                last_type <= req_type;
                last_code <= fin_code;
                reply(fin_code != 0 ? K_ERROR : ok_kind(req_type), fin_code);
            end else if (run_start)
                state <= S_RUN_FETCH;
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
                    case (pos[5:2])
                        4'd0: n_in <= dword[14:0];
                        4'd1: n_hidden <= dword[15:0];
                        4'd2: n_out <= dword[15:0];
                        4'd4: steps <= dword[15:0];
                        default: ;
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
        end else if (state == S_RUN_ARGS && take && pos == 16'd3)
            field0 <= dword;
    end

    // ---- the core's write port: configuration registers, weights, the start of an image ----
    always @(posedge clk) begin
        core_wr_en <= 1'b0;
        if (take && state == S_BEGIN && pos[1:0] == 2'd3) begin
            core_wr_en <= 1'b1;
            core_wr_addr <= {20'h80000, pos[5:2]};
            core_wr_data <= dword;
        end else if (take && state == S_DATA && pos > 16'd3 && (WB == 1 || load_offset[0])) begin
            core_wr_en <= 1'b1;
            core_wr_addr <= 24'(load_offset[LW-1:WB-1]);
            core_wr_data <= (WB == 1) ? {24'd0, buf_rdata} : {16'd0, buf_rdata, weight_lo};
        end else if (run_start) begin
            core_wr_en <= 1'b1;            // start: data = image index
            core_wr_addr <= 24'h80000F;
            core_wr_data <= field0;
        end
    end

    // ---- IMAGE_DATA: u16 offset in bytes, then event codes into the event memory ----
    always @(posedge clk) begin
        ev_we <= 1'b0;
        if (rst) begin
            img_bytes <= 0;
            img_markers <= 16'd0;
            img_bad <= 1'b0;
            img_ends_marker <= 1'b0;
            img_base <= 16'd0;
        end else if (take && state == S_IMAGE) begin
            if (pos == 16'd1 && word == 16'd0) begin   // offset 0 starts a new image
                img_bytes <= 0;
                img_markers <= 16'd0;
                img_bad <= 1'b0;
                img_base <= 16'd0;
            end else if (pos > 16'd1) begin
                // A code past the memory is not stored and spoils the image (RUN
                // refuses it); so does an event at an input index >= n_in.
                ev_we <= !img_bytes[EV_AW];
                ev_waddr <= img_bytes[EV_AW-1:0];
                ev_wdata <= ev_code;
                if (!img_bytes[EV_AW])
                    img_bytes <= img_bytes + 1'b1;
                img_ends_marker <= (ev_code == CODE_END);
                if (ev_code == CODE_END) begin
                    img_markers <= img_markers + 1'b1;
                    img_base <= 16'd0;
                end else
                    img_base <= img_base_next;
                if (img_bytes[EV_AW] || (ev_code != CODE_END && ev_code != CODE_SKIP &&
                    (img_base_next[15] || img_base_next > {1'b0, n_in})))
                    img_bad <= 1'b1;
            end
        end
    end

    // ---- RUN: stream the stored event codes into the core, then wait for done ----
    always @(posedge clk) begin
        if (core_done)
            run_done <= 1'b1;
        if (rst)
            core_ev_valid <= 1'b0;
        else if (run_start) begin
            run_bytes <= img_bytes;
            run_ptr <= 0;
            run_base <= 16'd0;
            ev_raddr <= {EV_AW{1'b0}};
            run_done <= 1'b0;
        end else if (state == S_RUN_OFFER) begin
            core_ev_valid <= ev_rdata != CODE_SKIP && !(core_ev_valid && core_ev_ready);
            if (run_step) begin
                run_base <= (ev_rdata == CODE_END) ? 16'd0 :
                            run_base + ((ev_rdata == CODE_SKIP) ? 16'd254 : {8'd0, ev_rdata});
                run_ptr <= run_ptr + 1'b1;
                ev_raddr <= ev_raddr + 1'b1;
            end
        end
    end

    // ---- counters for STATUS ----
    always @(posedge clk) begin
        if (rst) begin
            frames_ok <= 16'd0;
            images <= 32'd0;
            crc_errors <= 8'd0;
            length_errors <= 8'd0;
            truncated <= 8'd0;
            line_errors <= 8'd0;
        end else begin
            if (line_error)
                line_errors <= line_errors + 1'b1;
            if (state == S_IDLE && f_done) begin
                if (f_ok)
                    frames_ok <= frames_ok + 1'b1;
                else case (f_err)
                    8'd1: crc_errors <= crc_errors + 1'b1;
                    8'd2: length_errors <= length_errors + 1'b1;
                    default: truncated <= truncated + 1'b1;
                endcase
            end
            if (state == S_RUN_WAIT && run_done)
                images <= images + 1'b1;
        end
    end

    // ---- the reply writer: hands the reply's header to board_frame_tx ----
    always @(posedge clk) begin
        tx_start <= 1'b0;
        if (!rst && state == S_REPLY && !tx_busy) begin
            tx_start <= 1'b1;
            tx_type <= reply_kind == K_ERROR ? T_ERROR : (req_type | 8'h80);
            tx_seq <= req_seq;
            case (reply_kind)
                K_ERROR: tx_len <= 16'd2;
                K_INFO: tx_len <= INFO_LEN;
                K_STATUS: tx_len <= STATUS_LEN;
                K_OFFSET: tx_len <= 16'd4;
                K_COUNT: tx_len <= 16'd2;
                K_RESULT: tx_len <= 16'd9 + (n_out << (LVB + 1));
                default: tx_len <= 16'd0;
            endcase
        end
    end

    // ---- reply payload bytes, served to board_frame_tx by index ----
    // RESULT: prediction u8, cycles u32, spikes u32, max[0..n_out) and out[0..n_out)
    // as 2^LVB-byte little-endian signed values; read from the core's read port.
    wire [LVB+7:0] value_byte = (LVB+8)'(tx_idx - 16'd9);
    wire [7:0]  value_index = value_byte[LVB +: 8];      // n_out <= 64: 2 * n_out values
    wire [2:0]  value_sel = 3'(value_byte[LVB-1:0]);
    assign core_rd_en = (reply_kind == K_RESULT);
    assign core_rd_addr = (tx_idx == 16'd0) ? 16'h8000 :
                          (tx_idx < 16'd5) ? 16'h8001 :
                          (tx_idx < 16'd9) ? 16'h8002 :
                          ({8'd0, value_index} < n_out) ? {8'd0, value_index} :
                          {8'h10, value_index - n_out[7:0]};
    wire [2:0] result_sel = (tx_idx == 16'd0) ? 3'd0 :
                            (tx_idx < 16'd5) ? 3'(tx_idx - 16'd1) :
                            (tx_idx < 16'd9) ? 3'(tx_idx - 16'd5) : value_sel;

    // INFO and STATUS as byte vectors (byte n at [8n +: 8]), indexed by tx_idx[4:0].
    wire [29*8-1:0] info = {
        8'(NOISE != 0), 32'(IMAGE_BYTES), 32'(BAUD), 32'(CLK_HZ), 16'(MAX_OUT), 16'(MAX_HID), 16'(MAX_IN),
        8'(R), 8'(H), 8'(B), 8'(P), 16'(1 << EV_AW), 16'(MAX_LEN), 8'(BOARD_ID),
        8'd3 /* protocol version */};
    wire [25*8-1:0] status = {
        images, 8'd0, line_errors, 8'd0, truncated, 8'd0, length_errors, 8'd0, crc_errors,
        16'd0, frames_ok,
        offset32, model_crc, 6'd0, loading, model_valid};
    wire [4:0] small_idx = tx_idx[4:0];    // INFO and STATUS are < 32 bytes
    wire [31:0] offset32 = 32'(load_offset);

    always @(posedge clk) begin
        case (reply_kind)
            K_ERROR: tx_byte <= tx_idx[0] ? req_type : reply_code;
            K_OFFSET: tx_byte <= offset32[8 * tx_idx[1:0] +: 8];
            K_COUNT: tx_byte <= tx_idx[0] ? img_bytes16[15:8] : img_bytes16[7:0];
            K_RESULT: tx_byte <= core_rd_data[8 * result_sel +: 8];
            K_INFO: tx_byte <= info[8 * small_idx +: 8];
            K_STATUS: tx_byte <= status[8 * small_idx +: 8];
            default: tx_byte <= 8'd0;
        endcase
    end
endmodule

`default_nettype wire
