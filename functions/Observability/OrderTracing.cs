using System.Diagnostics;

namespace Fulfilment.Observability;

/// <summary>
/// The app's traces (activity source <c>Fulfilment</c>): one trace follows an order from the payment webhook through the
/// fulfilment queue (the message carries its W3C <c>traceparent</c>) to the claim or the supplier call and the partner
/// callback. Every span carries the order's id and partner.
/// </summary>
internal static class OrderTracing
{
    public const string SourceName = "Fulfilment";
    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span about one order; its parent is the current span, or the one a queue message names.</summary>
    public static Activity? Start(string name, string partnerId, string orderId, string? parentFromMessage = null, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = parentFromMessage is not null && ActivityContext.TryParse(parentFromMessage, null, out var parent)
            ? Source.StartActivity(name, ActivityKind.Consumer, parent)
            : Source.StartActivity(name, kind);
        activity?.SetTag("order.id", orderId);
        activity?.SetTag("partner.id", partnerId);
        return activity;
    }

    /// <summary>A span about the order a reservation reference (<c>partner|order</c>, as orders make it) names.</summary>
    public static Activity? StartForReference(string name, string orderReference)
    {
        var activity = Source.StartActivity(name);
        if (activity is not null)
        {
            var bar = orderReference.IndexOf('|', StringComparison.Ordinal);
            activity.SetTag("order.id", orderReference[(bar + 1)..]);
            activity.SetTag("partner.id", orderReference[..Math.Max(bar, 0)]);
        }

        return activity;
    }

    /// <summary>The current span as a W3C <c>traceparent</c>, for a queue message to carry; null when nothing is traced.</summary>
    public static string? CurrentParent => Activity.Current?.Id;
}
