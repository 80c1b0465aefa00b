// snn_regs.v - the configuration registers and the host write port decode.
//
// Register writes (wr_addr[23] = 1) set the network's run-time shape and
// constants; writing register 0xF starts an image. Weight writes
// (wr_addr[23] = 0) are passed on as (word, lane). Writes are ignored while an
// image runs. Also derives the words per row, ceil(n / P), once per write so
// that no divider sits in the datapath. Map: docs/core.md.
`default_nettype none

module snn_regs #(
    parameter integer P = 8,
    parameter integer PL = 8,      // hidden update lanes
    parameter integer RL = 8,      // readout update lanes
    parameter integer WMA = 14     // weight memory address bits
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          busy,          // an image runs: writes ignored
    input  wire          wr_en,         // host write strobe
    input  wire [23:0]   wr_addr,       // host write address
    input  wire [31:0]   wr_data,       // host write data
    output reg  [15:0]   n_in,          // register 0x0
    output reg  [15:0]   n_hid,         // 0x1
    output reg  [15:0]   n_out,         // 0x2
    output reg  [15:0]   n_exc,         // 0x3
    output reg  [15:0]   steps,         // 0x4
    output reg  [31:0]   theta,         // 0x5
    output reg  [11:0]   alpha_q,       // 0x6
    output reg  [11:0]   beta_q,        // 0x7
    output reg  [4:0]    noise_bits,    // 0x8
    output reg  [31:0]   seed,          // 0x9
    output reg  [15:0]   hid_words,     // ceil(n_hid / P)
    output reg  [15:0]   out_words,     // ceil(n_out / P)
    output reg  [15:0]   hid_subs,      // ceil(n_hid / PL)
    output reg  [15:0]   out_subs,      // ceil(n_out / RL)
    output wire          start,         // one-cycle pulse: register 0xF written
    output wire [31:0]   image_index,   // the index written with it
    output wire          w_we,          // a weight write this cycle
    output wire [WMA-1:0] w_word,       // its word
    output wire [$clog2(P)-1:0] w_lane  // its lane
);
    localparam integer LP = $clog2(P);

    wire write = wr_en && !busy;
    wire reg_write = write && wr_addr[23];

    function [15:0] words_of(input [15:0] n, input integer lanes);  // ceil(n / lanes)
        words_of = (n + lanes[15:0] - 16'd1) >> $clog2(lanes);
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            n_in <= 16'd0;
            n_hid <= 16'd0;
            n_out <= 16'd0;
            n_exc <= 16'd0;
            steps <= 16'd0;
            theta <= 32'd0;
            alpha_q <= 12'd0;
            beta_q <= 12'd0;
            noise_bits <= 5'd0;
            seed <= 32'd0;
            hid_words <= 16'd0;
            out_words <= 16'd0;
            hid_subs <= 16'd0;
            out_subs <= 16'd0;
        end else if (reg_write) begin
            case (wr_addr[3:0])
                4'h0: n_in <= wr_data[15:0];
                4'h1: begin
                    n_hid <= wr_data[15:0];
                    hid_words <= words_of(wr_data[15:0], P);
                    hid_subs <= words_of(wr_data[15:0], PL);
                end
                4'h2: begin
                    n_out <= wr_data[15:0];
                    out_words <= words_of(wr_data[15:0], P);
                    out_subs <= words_of(wr_data[15:0], RL);
                end
                4'h3: n_exc <= wr_data[15:0];
                4'h4: steps <= wr_data[15:0];
                4'h5: theta <= wr_data;
                4'h6: alpha_q <= wr_data[11:0];
                4'h7: beta_q <= wr_data[11:0];
                4'h8: noise_bits <= wr_data[4:0];
                4'h9: seed <= wr_data;
                default: ;
            endcase
        end
    end

    assign start = reg_write && wr_addr[3:0] == 4'hF;
    assign image_index = wr_data;
    assign w_we = write && !wr_addr[23];
    assign w_word = wr_addr[WMA+LP-1:LP];
    assign w_lane = wr_addr[LP-1:0];
    wire unused = &{1'b0, wr_addr[22:WMA+LP], wr_addr[22:4]};
endmodule

`default_nettype wire
