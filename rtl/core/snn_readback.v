// snn_readback.v - what the host reads: results, state, counters (map in docs/core.md).
//
// Stage 2 of a host read: picks the lane of the word the controller read and
// registers it on rd_data with rd_valid. Also counts the cycles and hidden
// spikes of the current image for the host.
`default_nettype none

module snn_readback #(
    parameter integer P = 8,
    parameter integer PL = 8,
    parameter integer RL = 8,
    parameter integer B = 8,
    parameter integer H = 24,
    parameter integer R = 32,
    parameter integer MAX_IN = 784,
    parameter integer MAX_HID = 100,
    parameter integer MAX_OUT = 10,
    parameter integer NOISE = 1,
    parameter integer MAX_LAYERS = 1,
    parameter integer RECURRENT = 0,
    parameter integer OUT_DECAYS = 0,
    parameter integer WDEPTH = 10392
) (
    input  wire           clk,
    input  wire           rst,
    input  wire           start,       // an image starts: counters to 0
    input  wire           busy,        // an image runs: count its cycles
    input  wire [PL-1:0]  spikes,      // hidden spikes of this cycle, to count
    input  wire           c_rd,        // stage 2 of a host read
    input  wire [15:0]    c_rd_addr,   // its address
    input  wire [RL*R-1:0] max,        // sub-words read for it
    input  wire [RL*R-1:0] out,
    input  wire [PL*H-1:0] mem,
    input  wire [PL*H-1:0] syn,
    input  wire [7:0]     prediction,
    output reg            rd_valid,
    output reg  [63:0]    rd_data
);
    wire [15:0] hlane = (c_rd_addr & 16'h0fff) % PL[15:0];  // lane of neuron j
    wire [15:0] rlane = (c_rd_addr & 16'h0fff) % RL[15:0];  // lane of readout k
    reg [31:0] cycles, n_spikes;

    integer l;
    reg [7:0] spikes_now;
    always @* begin
        spikes_now = 8'd0;
        for (l = 0; l < PL; l = l + 1)
            spikes_now = spikes_now + {7'd0, spikes[l]};
    end

    function [63:0] sext_r(input [R-1:0] v);
        sext_r = {{(64-R){v[R-1]}}, v};
    endfunction
    function [63:0] sext_h(input [H-1:0] v);
        sext_h = {{(64-H){v[H-1]}}, v};
    endfunction

    wire [R-1:0] max_k, out_k;
    wire [H-1:0] mem_j, syn_j;
    snn_lane_mux #(.N(RL), .W(R)) u_max (.in(max), .sel(rlane), .out(max_k));
    snn_lane_mux #(.N(RL), .W(R)) u_out (.in(out), .sel(rlane), .out(out_k));
    snn_lane_mux #(.N(PL), .W(H)) u_mem (.in(mem), .sel(hlane), .out(mem_j));
    snn_lane_mux #(.N(PL), .W(H)) u_syn (.in(syn), .sel(hlane), .out(syn_j));

    reg [63:0] value;
    always @* begin
        case (c_rd_addr[15:12])
            4'h0: value = sext_r(max_k);
            4'h1: value = sext_r(out_k);
            4'h2: value = sext_h(mem_j);
            4'h3: value = sext_h(syn_j);
            4'h8:
                case (c_rd_addr[2:0])
                    3'd0: value = {56'd0, prediction};
                    3'd1: value = {32'd0, cycles};
                    3'd2: value = {32'd0, n_spikes};
                    3'd3: value = {8'd0, MAX_LAYERS[3:0], 1'b0, OUT_DECAYS != 0, RECURRENT != 0, NOISE != 0, PL[7:0],
                                   RL[7:0], P[7:0], B[7:0], H[7:0], R[7:0]};
                    3'd4: value = {16'd0, MAX_IN[15:0], MAX_HID[15:0], MAX_OUT[15:0]};
                    3'd5: value = {32'd0, WDEPTH[31:0]};
                    default: value = 64'd0;
                endcase
            default: value = 64'd0;
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            cycles <= 32'd0;
            n_spikes <= 32'd0;
            rd_valid <= 1'b0;
            rd_data <= 64'd0;
        end else begin
            if (start) begin
                cycles <= 32'd0;
                n_spikes <= 32'd0;
            end else begin
                if (busy)
                    cycles <= cycles + 32'd1;
                n_spikes <= n_spikes + {24'd0, spikes_now};
            end
            rd_valid <= c_rd;
            rd_data <= c_rd ? value : 64'd0;
        end
    end
    wire unused = &{1'b0, c_rd_addr[11:3]};
endmodule

`default_nettype wire
