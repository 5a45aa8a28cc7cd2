namespace Fulfilment.Suppliers.DtOne;

/// <summary>One DVS error: a documented numeric code (e.g. <c>1007001</c>) and its message.</summary>
internal sealed record DtOneError(int? Code, string? Message);
