using System.Text.Json.Serialization;

namespace Fulfilment.Contract;

/// <summary>
/// One thing that happened to an order. <see cref="Kind"/> is <c>state</c> (a state change), <c>supplier-call</c> or
/// <c>notification</c> (an attempt to tell the partner); the fields that do not apply to the kind are left out.
/// </summary>
public sealed record OrderTraceEvent(
    DateTimeOffset At,
    string Kind,
    string Summary,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Supplier = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientReference = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Outcome = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LatencyMilliseconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Attempt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status = null)
{
    public const string StateKind = "state";
    public const string SupplierCallKind = "supplier-call";
    public const string NotificationKind = "notification";
}
