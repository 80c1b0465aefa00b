// board_crc16_byte.v - one byte of the frame CRC, combinational (docs/protocol.md).
//
// CRC-16/CCITT-FALSE (poly 0x1021, MSB first, init 0xFFFF): the bit-serial
// definition of firmware/proto.c unrolled, eight shifts per byte.
`default_nettype none

module board_crc16_byte (
    input  wire [15:0] crc_in,
    input  wire [7:0]  data,
    output reg  [15:0] crc_out
);
    integer b;
    always @(*) begin
        crc_out = crc_in ^ {data, 8'h00};
        for (b = 0; b < 8; b = b + 1)
            crc_out = crc_out[15] ? ({crc_out[14:0], 1'b0} ^ 16'h1021) : {crc_out[14:0], 1'b0};
    end
endmodule

`default_nettype wire
