using System.Text.Json.Serialization;

namespace Fulfilment.Suppliers.DtOne;

/// <summary>A DVS transaction (the fields we read): its id, our <c>external_id</c>, the number it credits, its status and status class.</summary>
internal sealed record DtOneTransaction(
    long? Id,
    [property: JsonPropertyName("external_id")] string? ExternalId,
    [property: JsonPropertyName("credit_party_identifier")] DtOneCreditParty? CreditPartyIdentifier,
    DtOneStatus? Status)
{
    /// <summary>The class DVS recommends deciding on (CREATED, CONFIRMED, SUBMITTED, COMPLETED, REJECTED, DECLINED, CANCELLED, REVERSED).</summary>
    public string? Class => Status?.Class?.Message;
}
