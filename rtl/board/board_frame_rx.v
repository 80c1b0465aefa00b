// board_frame_rx.v - bytes in, checked frames out (docs/protocol.md, "Frames").
//
// Hunts for SYNC, reads type, seq and length, writes the payload into the frame
// buffer and checks the CRC-32. Every frame ends in exactly one `done` pulse:
// ok = 1 (CRC good, payload complete in the buffer) or ok = 0 with the reason
// (CRC, length too large, line quiet or a byte lost in the middle).
// Resynchronisation: after a bad frame, and after any byte that is not a frame
// (a request whose SYNC was damaged, the tail of a bad frame, bytes that came
// while the engine was busy), the receiver waits until the line has been quiet
// for QUIET_CLKS and only then reports the error and hunts again. So a SYNC is
// only taken at the start of a burst: a 0xA5 inside a damaged frame's payload
// never starts a false frame, and one damaged request costs one error reply.
// While `hold` is high (the engine owns the buffer) incoming bytes are dropped.
// Not here: what a frame means (board_engine.v).
`default_nettype none

module board_frame_rx #(
    parameter integer MAX_LEN = 512,          // largest payload accepted
    parameter integer TIMEOUT_CLKS = 4096,    // silence inside a frame that ends it
    parameter integer QUIET_CLKS = 120        // silence that ends a burst of noise
) (
    input  wire          clk,
    input  wire          rst,          // synchronous, active high
    input  wire [7:0]    rx_data,      // byte from the UART
    input  wire          rx_valid,     // rx_data is a good byte
    input  wire          rx_error,     // the UART dropped a byte (framing error)
    input  wire          hold,         // engine busy: ignore the line
    output reg           buf_we,       // payload byte strobe (where it goes: board_engine)
    output reg  [15:0]   buf_idx,      // ... its index in the payload
    output reg  [7:0]    buf_data,     // ... its value
    output reg           done,         // one-cycle pulse: a frame ended
    output reg           ok,           // with done: 1 good frame, 0 bad (see err)
    output reg  [7:0]    err,          // with done and !ok: PROTO_E_CRC / _LENGTH / _TRUNCATED
    output reg  [7:0]    ftype,        // frame type (as received, even when bad)
    output reg  [7:0]    seq,          // frame sequence number (as received)
    output reg  [15:0]   len           // payload length
);
    localparam [7:0] SYNC = 8'hA5;
    localparam [7:0] E_CRC = 8'd1, E_LENGTH = 8'd2, E_TRUNCATED = 8'd3;
    localparam [2:0] HUNT = 3'd0, TYPE = 3'd1, SEQ = 3'd2, LEN_LO = 3'd3, LEN_HI = 3'd4,
                     PAYLOAD = 3'd5, CRC = 3'd6;
    // The CRC register (inverted form) after a frame and its own CRC-32 went through it.
    localparam [31:0] CRC_RESIDUE = 32'hDEBB20E3;
    localparam integer TW = $clog2(TIMEOUT_CLKS + 2);

    reg [2:0]  state;
    reg [31:0] crc;
    reg [15:0] count;          // payload bytes received
    reg [1:0]  crc_count;      // CRC bytes received
    reg [TW-1:0] quiet;        // clocks since the last byte
    reg        noise;          // dropping bytes until the line is quiet
    reg [7:0]  noise_err;      // the error to report then
    wire [31:0] crc_next;

    board_crc32_byte crc_step (.crc_in(crc), .data(rx_data), .crc_out(crc_next));

    // A frame went wrong: drop the rest of the burst, then report `reason`.
    task fail(input [7:0] reason);
        begin
            state <= HUNT;
            noise <= 1'b1;
            noise_err <= reason;
        end
    endtask

    always @(posedge clk) begin
        done <= 1'b0;
        buf_we <= 1'b0;
        if (rx_valid || rx_error || hold)
            quiet <= 0;
        else if (quiet != {TW{1'b1}})
            quiet <= quiet + 1'b1;
        if (rst) begin
            state <= HUNT;
            ok <= 1'b0;
            err <= 8'd0;
            noise <= 1'b0;
        end else if (state == HUNT) begin
            if (rx_valid || rx_error) begin
                if (!noise && !hold && rx_valid && rx_data == SYNC) begin
                    state <= TYPE;
                    crc <= 32'hFFFFFFFF;
                end else if (!noise) begin
                    noise <= 1'b1;
                    noise_err <= E_TRUNCATED;
                end
            end else if (noise && !hold && quiet == TW'(QUIET_CLKS)) begin
                noise <= 1'b0;
                done <= 1'b1;
                ok <= 1'b0;
                err <= noise_err;
            end
        end else if (rx_error) begin
            fail(E_TRUNCATED);
        end else if (!rx_valid) begin
            if (quiet == TW'(TIMEOUT_CLKS)) begin   // the rest of the frame never came
                state <= HUNT;
                done <= 1'b1;
                ok <= 1'b0;
                err <= E_TRUNCATED;
            end
        end else begin
            crc <= crc_next;     // the CRC bytes too: a good frame leaves CRC_RESIDUE
            case (state)
                TYPE: begin ftype <= rx_data; state <= SEQ; end
                SEQ: begin seq <= rx_data; state <= LEN_LO; end
                LEN_LO: begin len[7:0] <= rx_data; state <= LEN_HI; end
                LEN_HI: begin
                    len[15:8] <= rx_data;
                    count <= 16'd0;
                    crc_count <= 2'd0;
                    if ({rx_data, len[7:0]} > 16'(MAX_LEN))
                        fail(E_LENGTH);
                    else
                        state <= ({rx_data, len[7:0]} == 16'd0) ? CRC : PAYLOAD;
                end
                PAYLOAD: begin
                    buf_we <= 1'b1;
                    buf_idx <= count;
                    buf_data <= rx_data;
                    count <= count + 1'b1;
                    if (count + 1'b1 == len)
                        state <= CRC;
                end
                default: begin // CRC, 4 bytes
                    crc_count <= crc_count + 1'b1;
                    if (crc_count == 2'd3) begin
                        if (crc_next == CRC_RESIDUE) begin
                            state <= HUNT;
                            done <= 1'b1;
                            ok <= 1'b1;
                            err <= 8'd0;
                        end else
                            fail(E_CRC);
                    end
                end
            endcase
        end
    end
endmodule

`default_nettype wire
