using System.Globalization;
using System.Net;
using Fulfilment.Risk;

namespace Fulfilment.Orders;

/// <summary>
/// The shop's risk rules (<see cref="RiskRules"/>) applied to an order. When the partner opens an order, a rule that
/// fires refuses it (422, nothing written, nothing counted: <see cref="CheckOpeningAsync"/>). When a payment arrives the
/// money is taken, so nothing is refused silently (<see cref="ScreenPaymentAsync"/>): the order goes ahead (paid, its
/// units counted), to <c>held-for-review</c> (counted too) or to <c>refused-by-risk</c> (not counted), and its trace
/// names the rule and its figures. Limits are counted exactly by <see cref="RiskCounters"/>; an order that stops
/// counting (refused, cancelled, refunded, failed) gives its counts back (<see cref="GiveBackAsync"/>).
/// </summary>
internal sealed class RiskScreening(
    RiskRulesBook rulesBook, RiskCounters counters, IdentityHashes hashes, OrderBook orders, TimeProvider clock, ILogger<RiskScreening> logger)
{
    /// <summary>The review rules, as an order held for review names them (partners see <c>held_for_review</c>).</summary>
    public const string ReviewAmount = "review_amount";
    public const string ReviewFirstOrder = "review_first_order";
    public const string ReviewRiskScore = "review_risk_score";

    /// <summary>What the order keeps of what the partner passed about the buyer: keyed hashes of e-mail and phone, never the values.</summary>
    public BuyerSignals SignalsOf(BuyerDetails buyer) => buyer == BuyerDetails.None ? BuyerSignals.None
        : new(buyer.Email is { } email ? hashes.Email(email) : null, buyer.Phone is { } phone ? hashes.Phone(phone) : null, buyer.Ip, buyer.RiskScore);

    /// <summary>Null when the order may be opened now, else the rule that refuses it (nothing is written or counted).</summary>
    public async Task<PaymentRefusal?> CheckOpeningAsync(Order order, CancellationToken cancellationToken)
    {
        var rules = await rulesBook.ForAsync(order.PartnerId, order.Sku, cancellationToken);
        if (rules.IsEmpty)
        {
            return null;
        }

        if (RefusalWithoutCounting(order, rules) is { } refused)
        {
            return new PaymentRefusal(refused.Rule, $"{PartnerReason.MessageOf(refused.Rule)} ({refused.Detail})");
        }

        var now = clock.GetUtcNow();
        foreach (var (counter, limits) in Counters(order, rules, now))
        {
            if (await counters.CheckAsync(counter, limits, HolderAsync, cancellationToken) is { } shortage)
            {
                var (rule, detail) = Describe(order, shortage);
                // A paced SKU's slots are this minute's: all of them free up when the next minute starts.
                var retryAt = shortage.Slots.Family == 'p' ? RiskCounterKeys.MinuteOf(now).Next : shortage.FreesAt;
                return new PaymentRefusal(rule, $"{PartnerReason.MessageOf(rule)} ({detail})") { RetryAt = retryAt };
            }
        }

        return null;
    }

    /// <summary>
    /// The paid order as its risk rules decide, not yet written: still <c>paid</c>, or <c>held-for-review</c>, or
    /// <c>refused-by-risk</c>, with the counters it holds slots in. Counting is idempotent per order: a duplicate
    /// notification finds the slots its order already holds.
    /// </summary>
    public async Task<Order> ScreenPaymentAsync(Order paid, CancellationToken cancellationToken)
    {
        var rules = await rulesBook.ForAsync(paid.PartnerId, paid.Sku, cancellationToken);
        if (rules.IsEmpty)
        {
            return paid;
        }

        if (RefusalWithoutCounting(paid, rules) is { } refused)
        {
            return Refused(paid, refused.Rule, refused.Detail);
        }

        var taken = new List<string>();
        foreach (var (counter, limits) in Counters(paid, rules, paid.PaidAt ?? clock.GetUtcNow()))
        {
            if (await counters.TakeAsync(counter, paid.PartnerId, paid.OrderId, limits, HolderAsync, cancellationToken) is { } shortage)
            {
                foreach (var earlier in taken)
                {
                    await counters.GiveBackAsync(earlier, paid.PartnerId, paid.OrderId, cancellationToken);
                }

                var (rule, detail) = Describe(paid, shortage);
                return Refused(paid, rule, detail);
            }

            taken.Add(counter);
        }

        // Every order that goes ahead marks its buyer as known: the first to do so is the buyer's first order.
        bool? firstOrder = null;
        if (rules.Review is { FirstOrderAmountAbove: not null } firstReview && firstReview.Currency == paid.Currency)
        {
            var marker = RiskCounterKeys.FirstOrder(paid.PartnerId, paid.BuyerReference);
            firstOrder = await counters.TakeAsync(marker, paid.PartnerId, paid.OrderId, [new CounterSlots('f', 1, null, 1)], HolderAsync, cancellationToken) is null;
            taken.Add(marker);
        }

        var counted = paid with { RiskCounters = taken };
        if (Review(counted, rules.Review, firstOrder == true) is not { } review)
        {
            return counted;
        }

        logger.LogWarning("Order {OrderId} of partner {PartnerId} held for review by risk rule {Rule}: {Detail}", paid.OrderId, paid.PartnerId, review.Rule, review.Detail);
        return counted with
        {
            State = OrderState.HeldForReview,
            StateReason = $"{paid.StateReason}; held for review: {review.Detail}".TrimStart(';', ' '),
            RiskRule = review.Rule,
            RiskDetail = review.Detail,
        };
    }

    /// <summary>Gives back the order's counts (it was refused, cancelled, refunded or failed); idempotent.</summary>
    public async Task GiveBackAsync(Order order, CancellationToken cancellationToken)
    {
        foreach (var counter in order.RiskCounters)
        {
            await counters.GiveBackAsync(counter, order.PartnerId, order.OrderId, cancellationToken);
        }

        if (order.RiskCounters.Count > 0)
        {
            logger.LogInformation("Order {OrderId} of partner {PartnerId} is {State}: its risk counts are given back", order.OrderId, order.PartnerId, order.State);
        }
    }

    /// <summary>What became of a slot's order, for <see cref="RiskCounters"/> to know whether its slot is free.</summary>
    private async Task<SlotHolder> HolderAsync(string partnerId, string orderId, CancellationToken cancellationToken) =>
        await orders.GetAsync(partnerId, orderId, cancellationToken) switch
        {
            null => SlotHolder.NotCounting,
            { CountsForRisk: false } => SlotHolder.NotCounting,
            { State: OrderState.Delivered or OrderState.NeedsAttention } => SlotHolder.Settled,
            _ => SlotHolder.Counting,
        };

    private (string Rule, string Detail)? RefusalWithoutCounting(Order order, RiskRules rules)
    {
        if (rules.MaxQuantity is { } most && order.Quantity > most)
        {
            return (PartnerReason.QuantityLimit, $"{order.Quantity} units in one order; limit {most}");
        }

        var ip = order.Signals.Ip is { } text && IPAddress.TryParse(text, out var parsed) ? parsed : null;
        return rules.Blocklists.Match(order.BuyerReference, AccountHashOf(order, rules), order.Signals.EmailHash, order.Signals.PhoneHash, ip) is { } match
            ? (PartnerReason.Blocked, match)
            : null;
    }

    private string? AccountHashOf(Order order, RiskRules rules) => order.TargetAccount is { } account && (rules.Blocklists.TargetAccountHashes.Count > 0 || rules.AccountLimit is not null)
        ? hashes.TargetAccount(account)
        : null;

    /// <summary>The counters the order's units go in, each with its limits.</summary>
    private IEnumerable<(string Counter, IReadOnlyList<CounterSlots> Limits)> Counters(Order order, RiskRules rules, DateTimeOffset at)
    {
        var buyer = new List<CounterSlots>();
        if (rules.BuyerLimit is { } limit)
        {
            buyer.Add(new CounterSlots('w', limit.Count, limit.Window, order.Quantity));
        }

        if (rules.BuyerLifetimeLimit is { } lifetime)
        {
            buyer.Add(new CounterSlots('l', lifetime, null, order.Quantity));
        }

        if (buyer.Count > 0)
        {
            yield return (RiskCounterKeys.Buyer(order.PartnerId, order.Sku, order.BuyerReference), buyer);
        }

        if (rules.AccountLimit is { } account && AccountHashOf(order, rules) is { } accountHash)
        {
            yield return (RiskCounterKeys.Account(order.PartnerId, order.Sku, accountHash), [new CounterSlots('a', account.Count, account.Window, 1)]);
        }

        if (rules.PacingPerMinute is { } pace)
        {
            var first = RiskCounters.SpreadSlot(order.PartnerId, order.OrderId, pace);
            yield return (RiskCounterKeys.Pacing(order.PartnerId, order.Sku, RiskCounterKeys.MinuteOf(at).Minute), [new CounterSlots('p', pace, null, order.Quantity, first)]);
        }
    }

    /// <summary>The review rule the order meets, or null.</summary>
    private static (string Rule, string Detail)? Review(Order order, ReviewThresholds? review, bool isFirstOrder)
    {
        var amount = $"{order.Amount.ToString(CultureInfo.InvariantCulture)} {order.Currency}";
        return review switch
        {
            { RiskScoreAbove: { } most } when order.Signals.RiskScore > most => (ReviewRiskScore, $"risk score {order.Signals.RiskScore} above {most}"),
            { AmountAbove: { } above } when review.Currency == order.Currency && order.Amount > above =>
                (ReviewAmount, $"amount {amount} above {above.ToString(CultureInfo.InvariantCulture)}"),
            { FirstOrderAmountAbove: { } firstAbove } when isFirstOrder && order.Amount > firstAbove =>
                (ReviewFirstOrder, $"the buyer's first order, {amount}, above {firstAbove.ToString(CultureInfo.InvariantCulture)}"),
            _ => null,
        };
    }

    private Order Refused(Order paid, string rule, string detail)
    {
        logger.LogWarning("Order {OrderId} of partner {PartnerId} refused by risk rule {Rule}: {Detail}", paid.OrderId, paid.PartnerId, rule, detail);
        return paid with
        {
            State = OrderState.RefusedByRisk,
            StateReason = $"{paid.StateReason}; refused by risk rule {rule}: {detail}".TrimStart(';', ' '),
            RiskRule = rule,
            RiskDetail = detail,
            RiskCounters = [],
            FinalAt = paid.PaidAt ?? clock.GetUtcNow(),
        };
    }

    private static (string Rule, string Detail) Describe(Order order, SlotShortage shortage)
    {
        var (slots, after) = (shortage.Slots, shortage.InUse + order.Quantity);
        return slots.Family switch
        {
            'w' => (PartnerReason.BuyerLimit, $"{after} units for the buyer in {WindowText(slots.Window!.Value)}; limit {slots.Capacity}"),
            'l' => (PartnerReason.BuyerLifetimeLimit, $"{after} units for the buyer in all; limit {slots.Capacity}"),
            'a' => (PartnerReason.AccountLimit, $"credit {shortage.InUse + 1} of the account in {WindowText(slots.Window!.Value)}; limit {slots.Capacity}"),
            _ => (PartnerReason.PacingLimit, $"{after} units of {order.Sku} in one minute; limit {slots.Capacity} per minute"),
        };
    }

    public static string WindowText(TimeSpan window) =>
        window.TotalHours > 72 && window.TotalDays == Math.Floor(window.TotalDays) ? $"{window.TotalDays:0} d"
        : window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? $"{window.TotalHours:0} h"
        : window.TotalMinutes >= 1 && window.TotalMinutes == Math.Floor(window.TotalMinutes) ? $"{window.TotalMinutes:0} min"
        : $"{window.TotalSeconds:0} s";
}
