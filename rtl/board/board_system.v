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
    parameter integer BANK_AW = 11,      // two frame banks of 2^BANK_AW bytes (a batch's codes)
    parameter integer RES_AW = 9,        // result memory: two halves of 2^(RES_AW-1) bytes
    parameter integer P = 8,             // core parameters (docs/core.md)
    parameter integer PL = 8,
    parameter integer RL = 8,
    parameter integer B = 8,
    parameter integer H = 24,
    parameter integer R = 32,
    parameter integer MAX_IN = 784,
    parameter integer MAX_HID = 100,
    parameter integer MAX_OUT = 10,
    parameter integer NOISE = 1,
    parameter integer MAX_LAYERS = 1,    // general builds: layers, recurrence, readout decays
    parameter integer RECURRENT = 0,
    parameter integer OUT_DECAYS = 0
) (
    input  wire clk,
    input  wire rst,           // synchronous, active high
    input  wire uart_rx,       // from the host (FTDI TXD)
    output wire uart_tx,       // to the host (FTDI RXD)
    output wire model_valid,   // a verified model is loaded
    output wire running        // an image is being classified
);
    localparam integer CLKS_PER_BIT = (CLK_HZ + BAUD / 2) / BAUD;   // nearest
    localparam integer MAX_LEN = (1 << BANK_AW) - 8;   // largest request payload
    // A frame ends if the line stays quiet for 64 byte times in the middle of it;
    // noise ends (and is reported) after 3 quiet byte times.
    localparam integer TIMEOUT_CLKS = 640 * CLKS_PER_BIT;
    localparam integer QUIET_CLKS = 30 * CLKS_PER_BIT;
    // The core's weight words (snn_core.v's default for WORDS = 0), which the engine's
    // weight image covers: ff[0] and the readout, then MAX_LAYERS - 1 ff rows and, if
    // RECURRENT, MAX_LAYERS rec matrices of MAX_HID rows.
    localparam integer S1 = (MAX_HID + P - 1) / P;
    localparam integer WORDS = MAX_IN * S1 + MAX_HID * ((MAX_OUT + P - 1) / P) +
        ((MAX_LAYERS - 1) + (RECURRENT != 0 ? MAX_LAYERS : 0)) * MAX_HID * S1;

    wire [7:0] rx_data, tx_data;
    wire rx_valid, rx_error, tx_valid, tx_ready;

    board_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) uart_in (
        .clk(clk), .rst(rst), .rx(uart_rx),
        .data(rx_data), .valid(rx_valid), .frame_error(rx_error));
    board_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) uart_out (
        .clk(clk), .rst(rst), .data(tx_data), .valid(tx_valid), .ready(tx_ready), .tx(uart_tx));

    wire hold, f_done, f_ok, rx_we, buf_we;
    wire [7:0] f_err, f_type, f_seq, buf_wdata, buf_rdata;
    wire [15:0] f_len, rx_idx;
    wire [BANK_AW:0] buf_waddr, buf_raddr;

    board_frame_rx #(.MAX_LEN(MAX_LEN), .TIMEOUT_CLKS(TIMEOUT_CLKS),
                     .QUIET_CLKS(QUIET_CLKS)) framer (
        .clk(clk), .rst(rst), .rx_data(rx_data), .rx_valid(rx_valid), .rx_error(rx_error),
        .hold(hold), .buf_we(rx_we), .buf_idx(rx_idx), .buf_data(buf_wdata),
        .done(f_done), .ok(f_ok), .err(f_err), .ftype(f_type), .seq(f_seq), .len(f_len));
    // Both banks in one memory: the receiver writes one, a batch reads the other.
    board_ram #(.WIDTH(8), .AW(BANK_AW + 1)) frame_memory (
        .clk(clk), .we(buf_we), .waddr(buf_waddr), .wdata(buf_wdata),
        .raddr(buf_raddr), .rdata(buf_rdata));

    wire res_we;
    wire [RES_AW-1:0] res_waddr, res_raddr;
    wire [7:0] res_wdata, res_rdata;
    board_ram #(.WIDTH(8), .AW(RES_AW)) result_memory (
        .clk(clk), .we(res_we), .waddr(res_waddr), .wdata(res_wdata),
        .raddr(res_raddr), .rdata(res_rdata));

    wire tx_start, tx_busy;
    wire [7:0] tx_type, tx_seq, tx_byte;
    wire [15:0] tx_len, tx_idx;
    board_frame_tx #(.FETCH_CLKS(4)) replier (
        .clk(clk), .rst(rst), .start(tx_start), .ftype(tx_type), .seq(tx_seq), .len(tx_len),
        .pay_idx(tx_idx), .pay_byte(tx_byte), .busy(tx_busy),
        .tx_data(tx_data), .tx_valid(tx_valid), .tx_ready(tx_ready));

    wire core_wr_en, core_ev_valid, core_ev_end, core_ev_ready, core_done;
    wire [23:0] core_wr_addr;
    wire [31:0] core_wr_data;
    wire [15:0] core_ev_index, core_rd_addr;
    wire [63:0] core_rd_data;

    board_engine #(
        .BANK_AW(BANK_AW), .RES_AW(RES_AW), .P(P), .B(B), .H(H), .R(R),
        .MAX_IN(MAX_IN), .MAX_HID(MAX_HID), .MAX_OUT(MAX_OUT), .NOISE(NOISE),
        .MAX_LAYERS(MAX_LAYERS), .RECURRENT(RECURRENT), .OUT_DECAYS(OUT_DECAYS), .WORDS(WORDS),
        .CLK_HZ(CLK_HZ), .BAUD(BAUD), .BOARD_ID(BOARD_ID)
    ) engine (
        .clk(clk), .rst(rst),
        .f_done(f_done), .f_ok(f_ok), .f_err(f_err), .f_type(f_type), .f_seq(f_seq),
        .f_len(f_len), .line_error(rx_error), .hold(hold),
        .rx_we(rx_we), .rx_idx(rx_idx), .buf_we(buf_we), .buf_waddr(buf_waddr),
        .buf_raddr(buf_raddr), .buf_rdata(buf_rdata),
        .res_we(res_we), .res_waddr(res_waddr), .res_wdata(res_wdata),
        .res_raddr(res_raddr), .res_rdata(res_rdata),
        .core_wr_en(core_wr_en), .core_wr_addr(core_wr_addr), .core_wr_data(core_wr_data),
        .core_ev_valid(core_ev_valid), .core_ev_end(core_ev_end),
        .core_ev_index(core_ev_index), .core_ev_ready(core_ev_ready), .core_done(core_done),
        .core_rd_addr(core_rd_addr), .core_rd_data(core_rd_data),
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
        .MAX_IN(MAX_IN), .MAX_HID(MAX_HID), .MAX_OUT(MAX_OUT), .NOISE(NOISE),
        .MAX_LAYERS(MAX_LAYERS), .RECURRENT(RECURRENT), .OUT_DECAYS(OUT_DECAYS), .WORDS(WORDS)
    ) core (
        .clk(clk), .rst(rst),
        .wr_en(core_wr_en), .wr_addr(core_wr_addr), .wr_data(core_wr_data),
        .ev_valid(core_ev_valid), .ev_end(core_ev_end), .ev_index(core_ev_index),
        .ev_ready(core_ev_ready),
        .spk_valid(spk_valid), .spk_step(spk_step), .spk_base(spk_base), .spk_mask(spk_mask),
        .busy(core_busy), .done(core_done), .prediction(prediction),
        .rd_en(1'b1), .rd_addr(core_rd_addr), .rd_valid(rd_valid), .rd_data(core_rd_data));
endmodule

`default_nettype wire
