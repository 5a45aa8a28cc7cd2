using System.Text.Json.Serialization;

namespace Fulfilment.Suppliers.DtOne;

/// <summary>Who a DVS transaction credits: <c>{mobile_number}</c> (the field we read).</summary>
internal sealed record DtOneCreditParty([property: JsonPropertyName("mobile_number")] string? MobileNumber);
