// board_frame_tx.v - one reply frame out: SYNC, type, seq, length, payload, CRC-32.
//
// The payload is pulled byte by byte: this module shows the byte index on
// `pay_idx` and takes `pay_byte` FETCH_CLKS clocks later, so the engine can
// serve it from registers or from a memory with a read latency. The UART is
// far slower than that wait, so it costs nothing.
// Not here: what the payload holds (board_engine.v).
`default_nettype none

module board_frame_tx #(
    parameter integer FETCH_CLKS = 3    // clocks from pay_idx to a valid pay_byte
) (
    input  wire        clk,
    input  wire        rst,        // synchronous, active high
    input  wire        start,      // pulse (when !busy): send a frame with these fields
    input  wire [7:0]  ftype,
    input  wire [7:0]  seq,
    input  wire [15:0] len,
    output wire [15:0] pay_idx,    // payload byte wanted
    input  wire [7:0]  pay_byte,   // payload[pay_idx], FETCH_CLKS clocks after pay_idx changed
    output wire        busy,       // a frame is going out
    output reg  [7:0]  tx_data,    // to the UART
    output reg         tx_valid,
    input  wire        tx_ready
);
    localparam [7:0] SYNC = 8'hA5;
    localparam integer FW = $clog2(FETCH_CLKS + 1);

    reg        sending;
    reg [15:0] pos;           // index of the next byte of the frame
    reg [FW-1:0] wait_clks;   // clocks until pay_byte is valid
    reg [7:0]  type_r, seq_r;
    reg [15:0] len_r;
    reg [31:0] crc;           // inverted form; after the payload it shifts its bytes out
    wire [31:0] crc_next;
    reg  [7:0] cur;           // the byte at `pos`

    assign busy = sending;
    assign pay_idx = pos - 16'd5;

    always @(*) begin
        if (pos == 16'd0) cur = SYNC;
        else if (pos == 16'd1) cur = type_r;
        else if (pos == 16'd2) cur = seq_r;
        else if (pos == 16'd3) cur = len_r[7:0];
        else if (pos == 16'd4) cur = len_r[15:8];
        else if (pos < len_r + 16'd5) cur = pay_byte;
        else cur = ~crc[7:0];
    end

    board_crc32_byte crc_step (.crc_in(crc), .data(cur), .crc_out(crc_next));

    always @(posedge clk) begin
        tx_valid <= 1'b0;
        if (rst) begin
            sending <= 1'b0;
            pos <= 16'd0;
            wait_clks <= 0;
        end else if (!sending) begin
            if (start) begin
                sending <= 1'b1;
                type_r <= ftype;
                seq_r <= seq;
                len_r <= len;
                pos <= 16'd0;
                crc <= 32'hFFFFFFFF;
                wait_clks <= FW'(FETCH_CLKS);
            end
        end else if (wait_clks != 0) begin
            wait_clks <= wait_clks - 1'b1;
        end else if (tx_ready) begin
            tx_data <= cur;
            tx_valid <= 1'b1;
            if (pos != 16'd0 && pos < len_r + 16'd5)
                crc <= crc_next;
            else if (pos != 16'd0)
                crc <= {8'd0, crc[31:8]};
            pos <= pos + 1'b1;
            wait_clks <= FW'(FETCH_CLKS);
            if (pos == len_r + 16'd8)
                sending <= 1'b0;
        end
    end
endmodule

`default_nettype wire
