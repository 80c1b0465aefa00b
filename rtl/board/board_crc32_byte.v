// board_crc32_byte.v - one byte of a CRC-32 (frames and the weight image), combinational (docs/protocol.md).
//
// CRC-32 IEEE (poly 0xEDB88320, reflected). The caller keeps the register in
// its inverted form (starts at all ones; the CRC is its complement), as
// firmware/proto.c does; this unrolls the same eight shifts per byte.
`default_nettype none

module board_crc32_byte (
    input  wire [31:0] crc_in,   // the running register (inverted form)
    input  wire [7:0]  data,
    output reg  [31:0] crc_out
);
    integer b;
    always @(*) begin
        crc_out = crc_in ^ {24'h0, data};
        for (b = 0; b < 8; b = b + 1)
            crc_out = crc_out[0] ? ({1'b0, crc_out[31:1]} ^ 32'hEDB88320) : {1'b0, crc_out[31:1]};
    end
endmodule

`default_nettype wire
