using System.Diagnostics;
using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Fulfilment.Observability;
using Fulfilment.Ops;
using Fulfilment.Orders;
using Fulfilment.Suppliers;
using Microsoft.Extensions.Options;

namespace Fulfilment.Delivery;

/// <summary>
/// Buys gift-card codes for a card-key order that local stock cannot serve, from the SKU's code suppliers in failover
/// order, with the promise top-ups keep — never a second purchase:
/// <list type="bullet">
/// <item>the purchase is counted against the SKU's daily spend cap, then our client reference is stored on the order
/// (ETag-conditional, state <c>submitting</c>), before the supplier hears of it; every later attempt asks about that
/// reference instead of buying blindly;</item>
/// <item>an unknown outcome puts the order in <c>reconciling</c>: delayed queue messages query the supplier with
/// back-off until the deadline, then <c>needs-attention</c> and an ops alert;</item>
/// <item>only "never received" allows a resubmit (same reference), and only a confirmed failure the next supplier (new
/// reference; the failed purchase's spend is given back). With no supplier left, or the cap reached, the order waits
/// for stock like any;</item>
/// <item>the codes bought are sealed into the inventory reserved for the order (<see cref="BoughtCodes"/>), and the
/// order binds them like keys it claimed. A code that cannot be delivered (not a key's text, already in the inventory)
/// is never delivered: ops must look.</item>
/// </list>
/// A code is only ever held in memory between the supplier's answer and its sealing; it is never logged.
/// </summary>
internal sealed class CodeBuying(
    SupplierDirectory suppliers,
    BoughtCodes boughtCodes,
    DailyCodeSpend spend,
    SupplierFollowUp followUp,
    OpsAlerts alerts,
    IOptions<SupplierDeliveryOptions> options,
    TimeProvider clock,
    ILogger<CodeBuying> logger)
{
    /// <summary>The order needs <paramref name="missing"/> more keys than local stock has: buy them, if a supplier and the cap allow.</summary>
    public async Task<CodeBuyingResult> BuyAsync(Order order, Sku sku, int missing, CancellationToken cancellationToken)
    {
        if (NextSupplier(order, sku) is not { } supplier)
        {
            return CodeBuyingResult.NotBuying(order, $"no supplier left to buy codes of {sku.Id} from ({string.Join(", ", sku.Suppliers)} failed)");
        }

        var count = order.SubmitCount + 1;
        var reference = $"{order.PartnerId}:{order.OrderId}:{count}";
        var amount = (sku.UnitCost ?? 0m) * missing;
        if (!await spend.TryCountAsync(sku, reference, amount, cancellationToken))
        {
            var reason = $"the daily code spend cap of {sku.DailyCodeSpendCap} {sku.Currency} of {sku.Id} is reached";
            logger.LogWarning("Order {OrderId}: not buying {Count} code(s): {Reason}", order.OrderId, missing, reason);
            await alerts.RaiseAsync("code-spend-cap", order.PartnerId, order.OrderId, reason, cancellationToken);
            return CodeBuyingResult.NotBuying(order, reason);
        }

        var submitting = await followUp.ChangeAsync(
                order with
                {
                    State = OrderState.Submitting,
                    StateReason = $"buying {missing} code(s) of {sku.Id} from {supplier}",
                    Supplier = supplier,
                    ClientReference = reference,
                    SubmitCount = count,
                    CodesBuying = missing,
                    ReconcileBy = clock.GetUtcNow() + TimeSpan.FromMinutes(options.Value.ReconcileDeadlineMinutes),
                    ReconcileCount = 0,
                },
                cancellationToken);
        return await SubmitAsync(submitting, sku, cancellationToken);
    }

    /// <summary>A purchase is under way for the order (<c>submitting</c> or <c>reconciling</c>): ask how it went.</summary>
    public async Task<CodeBuyingResult> ContinueAsync(Order order, Sku sku, CancellationToken cancellationToken)
    {
        using var span = OrderTracing.Start("code purchase query", order.PartnerId, order.OrderId);
        var started = Stopwatch.GetTimestamp();
        var purchase = await suppliers.GetCodeSupplier(order.Supplier!).QueryAsync(CodeOrderOf(order, sku), cancellationToken);
        return await RecordAsync(order, sku, "query", purchase, started, cancellationToken);
    }

    private async Task<CodeBuyingResult> SubmitAsync(Order order, Sku sku, CancellationToken cancellationToken)
    {
        logger.LogInformation("Order {OrderId} is {State}: buying {Count} code(s) of {Sku} from {Supplier} as {ClientReference}",
            order.OrderId, OrderState.Submitting, order.CodesBuying, sku.Id, order.Supplier, order.ClientReference);
        using var span = OrderTracing.Start("code purchase", order.PartnerId, order.OrderId);
        span?.SetTag("supplier", order.Supplier);
        var started = Stopwatch.GetTimestamp();
        var purchase = await suppliers.GetCodeSupplier(order.Supplier!).BuyAsync(CodeOrderOf(order, sku), cancellationToken);
        return await RecordAsync(order, sku, "buy", purchase, started, cancellationToken);
    }

    private async Task<CodeBuyingResult> RecordAsync(Order order, Sku sku, string action, CodePurchase purchase, long started, CancellationToken cancellationToken)
    {
        var outcome = purchase.Outcome;
        var recorded = followUp.Record(order, action, outcome, started);

        switch (outcome.Verdict)
        {
            case SupplierVerdict.Succeeded:
                var (keys, problem) = await boughtCodes.ReserveAsync(
                    sku, order.Reference, purchase.Codes.Select(c => c.Reveal()).ToList(), order.Supplier!, cancellationToken);
                if (problem is not null)
                {
                    await followUp.NeedsAttentionAsync(recorded, $"{order.Supplier} sold codes under {order.ClientReference} that are not delivered: {problem}", cancellationToken);
                    return CodeBuyingResult.AskedAgainLater(recorded);
                }

                logger.LogInformation("Order {OrderId}: {Count} code(s) bought from {Supplier} ({SupplierReference}) are reserved for it: {KeyIds}",
                    order.OrderId, keys.Count, order.Supplier, outcome.SupplierReference, string.Join(' ', keys.Select(k => k.KeyId)));
                return CodeBuyingResult.BoughtFor(recorded with { SupplierReference = outcome.SupplierReference, StateReason = null });

            case SupplierVerdict.NotFound:
                // The supplier never got our reference: buying under it again is safe (it refuses a reference it holds).
                return await SubmitAsync(recorded, sku, cancellationToken);

            case SupplierVerdict.Failed or SupplierVerdict.Rejected:
                await spend.GiveBackAsync(sku, order.ClientReference!, cancellationToken);
                logger.LogWarning("Order {OrderId}: {Supplier} confirmed it sold no codes ({Reason})", order.OrderId, order.Supplier, outcome.Reason);
                return await BuyAsync(recorded, sku, order.CodesBuying, cancellationToken);

            case SupplierVerdict.ReferenceConflict:
                await followUp.NeedsAttentionAsync(recorded, $"{order.Supplier} holds {order.ClientReference} for another purchase: {outcome.Reason}", cancellationToken);
                return CodeBuyingResult.AskedAgainLater(recorded);

            default:
                await followUp.AskAgainLaterAsync(recorded, outcome, cancellationToken);
                return CodeBuyingResult.AskedAgainLater(recorded);
        }
    }

    /// <summary>The first of the SKU's suppliers that has not confirmed it sold this order no codes.</summary>
    private string? NextSupplier(Order order, Sku sku)
    {
        var failed = order.History.Where(a => a.Outcome is nameof(SupplierVerdict.Failed) or nameof(SupplierVerdict.Rejected)).Select(a => a.Supplier).ToHashSet();
        return sku.Suppliers.FirstOrDefault(s => !failed.Contains(s) && suppliers.SellsCodes(s));
    }

    private static CodeOrder CodeOrderOf(Order order, Sku sku) => new(order.ClientReference!, sku.ProductCodeFor(order.Supplier!) ?? "", order.CodesBuying);
}
