// snn_scheduler.v - the hidden-spike event queue: rows into the readout or a layer (spec §4.3, §4.1, §4.6).
//
// The hidden pass pushes each sub-word's spike mask (PL neurons) that has a spike
// (and in a recurrent layer's REC phase, the scan of the previous step's spikes).
// The scheduler turns the queued masks into row events, lowest neuron first
// (spec §3.2, §4.7: ascending presynaptic index): for each spiking neuron j it
// issues the words u = 0 .. n_words-1 of j's row, one per cycle, unless held.
// For the last layer it runs while the hidden pass goes on (readout rows, spec
// §4.3), since the pass does not use the weight memory; the controller holds it
// while another layer's pass fills the queue (those rows go into acc1, FF).
// Not here: the weight addresses or the arithmetic.
`default_nettype none

module snn_scheduler #(
    parameter integer PL = 8,      // neurons per pushed mask (hidden update lanes)
    parameter integer DEPTH = 13,  // queue entries: sub-words of one layer's hidden pass
    parameter integer WA = 4,      // bits of a hidden sub-word index
    parameter integer UA = 1       // bits of a row's word index
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          push,        // a hidden sub-word with spikes
    input  wire [WA-1:0] push_word,   // its index (neurons push_word*PL ..)
    input  wire [PL-1:0] push_mask,   // which of its lanes spiked
    input  wire [UA-1:0] n_words,     // words per row: ceil(n_post / P), >= 1
    input  wire          hold,        // issue nothing this cycle
    output wire          issue,       // a row word is issued this cycle
    output wire [15:0]   issue_neuron,  // presynaptic hidden neuron j
    output wire [UA-1:0] issue_word,  // word u of j's row
    output wire          idle         // queue empty and nothing being issued
);
    localparam integer LP = PL > 1 ? $clog2(PL) : 1;  // bits of a lane index
    localparam integer QA = $clog2(DEPTH + 1);               // bits of the entry count
    localparam integer PA = DEPTH > 1 ? $clog2(DEPTH) : 1;    // bits of a queue position

    // the queue: a ring of DEPTH entries; it never fills, as one pass pushes at most DEPTH
    reg [WA-1:0] q_word [0:DEPTH-1];
    reg [PL-1:0] q_mask [0:DEPTH-1];
    reg [PA-1:0] head, tail;
    reg [QA-1:0] count;

    // the entry being issued
    reg [WA-1:0] cur_word;
    reg [PL-1:0] cur_mask;
    reg [UA-1:0] cur_u;

    // lowest set lane of cur_mask (spec §3.2 order)
    reg [LP-1:0] low_lane;
    integer l;
    always @* begin
        low_lane = {LP{1'b0}};
        for (l = PL - 1; l >= 0; l = l - 1)
            if (cur_mask[l])
                low_lane = l[LP-1:0];
    end

    // one-word rows: an idle cycle between two neurons, for acc1/acc2's write-back
    reg gap;
    localparam integer ONE_INT = 1;
    localparam [UA-1:0] ONE_WORD = ONE_INT[UA-1:0];
    wire active = cur_mask != {PL{1'b0}};
    wire go = active && !gap && !hold;
    wire row_done = go && cur_u == n_words - 1'b1;
    wire pop = !active && count != {QA{1'b0}};

    assign issue = go;
    assign issue_neuron = {{(16-WA){1'b0}}, cur_word} * PL[15:0] + {{(16-LP){1'b0}}, low_lane};
    assign issue_word = cur_u;
    assign idle = !active && count == {QA{1'b0}};

    localparam integer LAST_INT = DEPTH - 1;
    localparam [PA-1:0] LAST = LAST_INT[PA-1:0];
    function [PA-1:0] next_ptr(input [PA-1:0] p);
        next_ptr = p == LAST ? {PA{1'b0}} : p + 1'b1;
    endfunction

    always @(posedge clk) begin
        if (push) begin
            q_word[tail] <= push_word;
            q_mask[tail] <= push_mask;
        end
        if (rst) begin
            head <= {PA{1'b0}};
            tail <= {PA{1'b0}};
            count <= {QA{1'b0}};
            cur_mask <= {PL{1'b0}};
            cur_word <= {WA{1'b0}};
            cur_u <= {UA{1'b0}};
            gap <= 1'b0;
        end else begin
            gap <= row_done && n_words == ONE_WORD;
            if (push)
                tail <= next_ptr(tail);
            if (pop)
                head <= next_ptr(head);
            if (push && !pop)
                count <= count + 1'b1;
            else if (pop && !push)
                count <= count - 1'b1;
            if (pop) begin
                cur_word <= q_word[head];
                cur_mask <= q_mask[head];
                cur_u <= {UA{1'b0}};
            end else if (row_done) begin
                cur_mask[low_lane] <= 1'b0;
                cur_u <= {UA{1'b0}};
            end else if (go) begin
                cur_u <= cur_u + 1'b1;
            end
        end
    end
endmodule

`default_nettype wire
