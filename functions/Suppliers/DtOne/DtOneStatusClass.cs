namespace Fulfilment.Suppliers.DtOne;

/// <summary>A DVS status class: <c>{id, message}</c>.</summary>
internal sealed record DtOneStatusClass(string? Message);
