using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Orders;

/// <summary>Orders opened before payment (section <c>OrderOpening</c>).</summary>
internal sealed class OrderOpeningOptions
{
    /// <summary>How long an opened order waits for its payment; held keys go back to stock then (a later payment is still honoured).</summary>
    [Range(1, 86_400)]
    public int PaymentWindowSeconds { get; set; } = 900;

    /// <summary>How many opened orders one buyer of one partner may hold keys for at once; further orders open without a hold.</summary>
    [Range(0, 1000)]
    public int MaxHeldOrdersPerBuyer { get; set; } = 3;
}
