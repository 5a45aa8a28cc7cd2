namespace Fulfilment.Contract;

/// <summary>Every error the API answers: <c>{"error": {"code", "message", "details"?}}</c>.</summary>
public sealed record ErrorResponse(ErrorDetail Error);
