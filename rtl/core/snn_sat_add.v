// snn_sat_add.v - sat_W(a + b): exact signed sum clamped to OW bits (spec §1.2).
//
// Every addition of the core goes through here, so saturation is spelled out
// once: the exact sum is formed one bit wider than the wider operand, and if
// its top bits are not a sign extension of bit OW-1 the result is the nearest
// bound. Not for unsigned values, not registered.
`default_nettype none

module snn_sat_add #(
    parameter integer AW = 24,  // width of a (signed)
    parameter integer BW = 9,   // width of b (signed)
    parameter integer OW = 24   // width of the destination register (signed)
) (
    input  wire signed [AW-1:0] a,    // first addend
    input  wire signed [BW-1:0] b,    // second addend
    output wire signed [OW-1:0] sum   // sat_OW(a + b)
);
    localparam integer SW = (AW > BW ? AW : BW) + 1;  // exact sum never overflows SW bits

    wire signed [SW-1:0] exact = $signed({{(SW-AW){a[AW-1]}}, a}) + $signed({{(SW-BW){b[BW-1]}}, b});

    generate
        if (SW <= OW) begin : g_fits
            // the destination is wide enough: sign-extend, never clamp
            assign sum = $signed({{(OW-SW+1){exact[SW-1]}}, exact[SW-2:0]});
        end else begin : g_clamp
            wire [SW-OW:0] top = exact[SW-1:OW-1];
            wire in_range = (&top) | ~(|top);
            // out of range: most negative value if the exact sum is negative, else most positive
            assign sum = in_range ? exact[OW-1:0] : {exact[SW-1], {(OW-1){~exact[SW-1]}}};
        end
    endgenerate
endmodule

`default_nettype wire
