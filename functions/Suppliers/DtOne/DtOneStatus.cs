namespace Fulfilment.Suppliers.DtOne;

/// <summary>A DVS transaction status: <c>{id, message, class: {id, message}}</c>; the message names it (e.g. <c>DECLINED-INVALID-CREDIT-PARTY</c>).</summary>
internal sealed record DtOneStatus(string? Message, DtOneStatusClass? Class);
