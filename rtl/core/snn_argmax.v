// snn_argmax.v - the prediction: the k with the largest max[k], ties to the lowest k (spec §6.1).
//
// Fed one readout neuron per cycle in ascending k (k = 0 first), from the
// word of max[] read for it; keeps the best so far.
`default_nettype none

module snn_argmax #(
    parameter integer RL = 8,   // lanes of a max[] sub-word
    parameter integer R = 32
) (
    input  wire           clk,
    input  wire           rst,
    input  wire           c_pred,      // compare max[c_k] this cycle
    input  wire [15:0]    c_k,         // readout neuron k
    input  wire [RL*R-1:0] max,        // the sub-word of max[] holding k, lane k % RL
    output reg  [7:0]     prediction   // argmax so far
);
    wire signed [R-1:0] value;
    snn_lane_mux #(.N(RL), .W(R)) u_lane (.in(max), .sel(c_k % RL[15:0]), .out(value));
    reg signed [R-1:0] best;

    always @(posedge clk) begin
        if (rst) begin
            prediction <= 8'd0;
            best <= {R{1'b0}};
        end else if (c_pred && (c_k == 16'd0 || value > best)) begin  // strictly greater: ties keep the lower k
            best <= value;
            prediction <= c_k[7:0];
        end
    end
    wire unused = &{1'b0, c_k[15:8]};
endmodule

`default_nettype wire
