namespace Fulfilment.Contract;

/// <summary>
/// A stable machine-readable <see cref="Code"/>, a message for a person, and where the error has them, details: what is
/// wrong with each value (a list of strings), or the report of what was done before the error (an import).
/// </summary>
public sealed record ErrorDetail(string Code, string Message, object? Details = null);
