// board_system.v - everything a board holds, minus pins and clocking: UART,
// framing, the protocol engine, its two buffers and the LIF core. Only wires.
//
// The Verilator model of a board (sim/board/) is this module; the per-board
// tops (board_top_*.v) add the PLL, the reset and the pins around it.
`default_nettype none

module board_system #(
    parameter integer CLK_HZ = 12000000,
    parameter integer BAUD = 2000000,
    parameter integer BOARD_ID = 0,
    parameter integer MAX_LEN = 512,     // largest request payload (one EBR of frame buffer)
    parameter integer EV_AW = 10,        // image event codes: 2^EV_AW bytes
    parameter integer P = 8,             // core parameters (docs/core.md)
    parameter integer PL = 8,
    parameter integer RL = 8,
    parameter integer B = 8,
    parameter integer H = 24,
    parameter integer R = 32,
    parameter integer MAX_IN = 784,
    parameter integer MAX_HID = 100,
    parameter integer MAX_OUT = 10,
    parameter integer NOISE = 1
) (
    input  wire clk,
    input  wire rst,           // synchronous, active high
    input  wire uart_rx,       // from the host (FTDI TXD)
    output wire uart_tx,       // to the host (FTDI RXD)
    output wire model_valid,   // a verified model is loaded
    output wire running        // an image is being classified
);
    localparam integer CLKS_PER_BIT = (CLK_HZ + BAUD / 2) / BAUD;   // nearest
    localparam integer AW = $clog2(MAX_LEN);
    // A frame ends if the line stays quiet for 64 byte times in the middle of it;
    // noise ends (and is reported) after 3 quiet byte times.
    localparam integer TIMEOUT_CLKS = 640 * CLKS_PER_BIT;
    localparam integer QUIET_CLKS = 30 * CLKS_PER_BIT;

    wire [7:0] rx_data, tx_data;
    wire rx_valid, rx_error, tx_valid, tx_ready;

    board_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) uart_in (
        .clk(clk), .rst(rst), .rx(uart_rx),
        .data(rx_data), .valid(rx_valid), .frame_error(rx_error));
    board_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) uart_out (
        .clk(clk), .rst(rst), .data(tx_data), .valid(tx_valid), .ready(tx_ready), .tx(uart_tx));

    wire hold, f_done, f_ok, buf_we;
    wire [7:0] f_err, f_type, f_seq, buf_wdata, buf_rdata;
    wire [15:0] f_len;
    wire [AW-1:0] buf_waddr, buf_raddr;

    board_frame_rx #(.MAX_LEN(MAX_LEN), .AW(AW), .TIMEOUT_CLKS(TIMEOUT_CLKS),
                     .QUIET_CLKS(QUIET_CLKS)) framer (
        .clk(clk), .rst(rst), .rx_data(rx_data), .rx_valid(rx_valid), .rx_error(rx_error),
        .hold(hold), .buf_we(buf_we), .buf_addr(buf_waddr), .buf_data(buf_wdata),
        .done(f_done), .ok(f_ok), .err(f_err), .ftype(f_type), .seq(f_seq), .len(f_len));
    board_ram #(.WIDTH(8), .AW(AW)) frame_buffer (
        .clk(clk), .we(buf_we), .waddr(buf_waddr), .wdata(buf_wdata),
        .raddr(buf_raddr), .rdata(buf_rdata));

    wire ev_we;
    wire [EV_AW-1:0] ev_waddr, ev_raddr;
    wire [7:0] ev_wdata, ev_rdata;
    board_ram #(.WIDTH(8), .AW(EV_AW)) event_memory (
        .clk(clk), .we(ev_we), .waddr(ev_waddr), .wdata(ev_wdata),
        .raddr(ev_raddr), .rdata(ev_rdata));

    wire tx_start, tx_busy;
    wire [7:0] tx_type, tx_seq, tx_byte;
    wire [15:0] tx_len, tx_idx;
    board_frame_tx #(.FETCH_CLKS(4)) replier (
        .clk(clk), .rst(rst), .start(tx_start), .ftype(tx_type), .seq(tx_seq), .len(tx_len),
        .pay_idx(tx_idx), .pay_byte(tx_byte), .busy(tx_busy),
        .tx_data(tx_data), .tx_valid(tx_valid), .tx_ready(tx_ready));

    wire core_wr_en, core_ev_valid, core_ev_end, core_ev_ready, core_done, core_rd_en;
    wire [23:0] core_wr_addr;
    wire [31:0] core_wr_data;
    wire [15:0] core_ev_index, core_rd_addr;
    wire [63:0] core_rd_data;

    board_engine #(
        .MAX_LEN(MAX_LEN), .AW(AW), .EV_AW(EV_AW), .P(P), .B(B), .H(H), .R(R),
        .MAX_IN(MAX_IN), .MAX_HID(MAX_HID), .MAX_OUT(MAX_OUT), .NOISE(NOISE),
        .CLK_HZ(CLK_HZ), .BAUD(BAUD), .BOARD_ID(BOARD_ID)
    ) engine (
        .clk(clk), .rst(rst),
        .f_done(f_done), .f_ok(f_ok), .f_err(f_err), .f_type(f_type), .f_seq(f_seq),
        .f_len(f_len), .line_error(rx_error), .hold(hold),
        .buf_raddr(buf_raddr), .buf_rdata(buf_rdata),
        .ev_we(ev_we), .ev_waddr(ev_waddr), .ev_wdata(ev_wdata),
        .ev_raddr(ev_raddr), .ev_rdata(ev_rdata),
        .core_wr_en(core_wr_en), .core_wr_addr(core_wr_addr), .core_wr_data(core_wr_data),
        .core_ev_valid(core_ev_valid), .core_ev_end(core_ev_end),
        .core_ev_index(core_ev_index), .core_ev_ready(core_ev_ready), .core_done(core_done),
        .core_rd_en(core_rd_en), .core_rd_addr(core_rd_addr), .core_rd_data(core_rd_data),
        .tx_start(tx_start), .tx_type(tx_type), .tx_seq(tx_seq), .tx_len(tx_len),
        .tx_idx(tx_idx), .tx_byte(tx_byte), .tx_busy(tx_busy),
        .model_valid(model_valid), .running(running));

    // The board forwards no spike stream (the UART could not keep up with it);
    // the core's total spike count is read back with the result instead.
    /* verilator lint_off UNUSEDSIGNAL */
    wire spk_valid, core_busy, rd_valid;
    wire [15:0] spk_step, spk_base;
    wire [P-1:0] spk_mask;
    wire [7:0] prediction;
    /* verilator lint_on UNUSEDSIGNAL */

    snn_core #(
        .P(P), .PL(PL), .RL(RL), .B(B), .H(H), .R(R),
        .MAX_IN(MAX_IN), .MAX_HID(MAX_HID), .MAX_OUT(MAX_OUT), .NOISE(NOISE)
    ) core (
        .clk(clk), .rst(rst),
        .wr_en(core_wr_en), .wr_addr(core_wr_addr), .wr_data(core_wr_data),
        .ev_valid(core_ev_valid), .ev_end(core_ev_end), .ev_index(core_ev_index),
        .ev_ready(core_ev_ready),
        .spk_valid(spk_valid), .spk_step(spk_step), .spk_base(spk_base), .spk_mask(spk_mask),
        .busy(core_busy), .done(core_done), .prediction(prediction),
        .rd_en(core_rd_en), .rd_addr(core_rd_addr), .rd_valid(rd_valid), .rd_data(core_rd_data));
endmodule

`default_nettype wire
