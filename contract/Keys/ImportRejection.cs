namespace Fulfilment.Contract;

/// <summary>A line of an upload that was not imported (counted from 1 within the upload), and why: blank, too long, a duplicate, ...</summary>
public sealed record ImportRejection(int Line, string Reason);
