// board_uart_tx.v - UART transmitter, 8N1, fixed bit time.
//
// Accepts a byte when `ready` is high and `valid` is asserted, and shifts it out
// LSB first between a start bit and a stop bit.
// Not here: which bytes to send (board_frame_tx.v).
`default_nettype none

module board_uart_tx #(
    parameter integer CLKS_PER_BIT = 4
) (
    input  wire       clk,
    input  wire       rst,     // synchronous, active high
    input  wire [7:0] data,    // byte to send
    input  wire       valid,   // `data` is offered
    output wire       ready,   // idle: a byte offered now is taken
    output reg        tx       // the line, idle high
);
    localparam integer CW = $clog2(CLKS_PER_BIT + 1);
    localparam [CW-1:0] FULL = CW'(CLKS_PER_BIT - 1);

    reg [8:0] shift;        // {stop, data} after the start bit went out
    reg [3:0] bits_left;    // bits still to send after the current one
    reg [CW-1:0] count;
    reg busy;

    assign ready = !busy;

    always @(posedge clk) begin
        if (rst) begin
            tx <= 1'b1;
            busy <= 1'b0;
            count <= 0;
            bits_left <= 0;
        end else if (!busy) begin
            if (valid) begin
                tx <= 1'b0;              // start bit
                shift <= {1'b1, data};
                bits_left <= 4'd9;
                count <= FULL;
                busy <= 1'b1;
            end
        end else if (count != 0) begin
            count <= count - 1'b1;
        end else if (bits_left != 0) begin
            tx <= shift[0];
            shift <= {1'b1, shift[8:1]};
            bits_left <= bits_left - 1'b1;
            count <= FULL;
        end else begin
            busy <= 1'b0;                // the stop bit has lasted its full time
        end
    end
endmodule

`default_nettype wire
