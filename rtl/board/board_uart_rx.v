// board_uart_rx.v - UART receiver, 8N1, fixed bit time.
//
// Samples each bit once at its middle (CLKS_PER_BIT clocks per bit, >= 4), after
// a two-flop synchroniser. A byte whose stop bit is low is dropped and reported
// as a framing error, so line damage never turns into a byte silently.
// Not here: framing of bytes into messages (board_frame_rx.v).
`default_nettype none

module board_uart_rx #(
    parameter integer CLKS_PER_BIT = 4
) (
    input  wire       clk,
    input  wire       rst,          // synchronous, active high
    input  wire       rx,           // the line, idle high (asynchronous to clk)
    output reg  [7:0] data,         // received byte, valid with `valid`
    output reg        valid,        // one-cycle pulse: `data` holds a good byte
    output reg        frame_error   // one-cycle pulse: a byte with a low stop bit was dropped
);
    localparam integer CW = $clog2(CLKS_PER_BIT + 1);
    localparam [CW-1:0] FULL = CW'(CLKS_PER_BIT - 1);
    localparam [CW-1:0] HALF = CW'(CLKS_PER_BIT / 2 - 1);

    localparam [1:0] IDLE = 2'd0, START = 2'd1, BITS = 2'd2, STOP = 2'd3;

    reg [1:0] sync;        // sync[1] is the synchronised line
    reg [1:0] state;
    reg [CW-1:0] count;    // clocks left until the next sampling point
    reg [2:0] bit_index;
    reg [7:0] shift;

    always @(posedge clk) begin
        sync <= {sync[0], rx};
        valid <= 1'b0;
        frame_error <= 1'b0;
        if (rst) begin
            sync <= 2'b11;
            state <= IDLE;
            count <= 0;
            bit_index <= 0;
        end else if (state == IDLE) begin
            if (!sync[1]) begin           // falling edge: middle of start bit in half a bit
                state <= START;
                count <= HALF;
            end
        end else if (count != 0) begin
            count <= count - 1'b1;
        end else begin
            count <= FULL;
            case (state)
                START: begin              // a glitch shorter than half a bit is ignored
                    state <= sync[1] ? IDLE : BITS;
                    bit_index <= 0;
                end
                BITS: begin               // LSB first
                    shift <= {sync[1], shift[7:1]};
                    bit_index <= bit_index + 1'b1;
                    if (bit_index == 3'd7)
                        state <= STOP;
                end
                default: begin            // STOP
                    state <= IDLE;
                    data <= shift;
                    valid <= sync[1];
                    frame_error <= !sync[1];
                end
            endcase
        end
    end
endmodule

`default_nettype wire
