using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Storage;

namespace Fulfilment.Inventory;

/// <summary>
/// What each SKU spent buying codes, per UTC day, against its <see cref="Sku.DailyCodeSpendCap"/>. A purchase is counted
/// before it is made, under its client reference, in the SKU's partition of the CodeSpend table: the day's total
/// (<c>day|{yyyy-MM-dd}</c>) and the purchase (<c>ref|{reference}</c>) are written in one transaction conditional on
/// the total's ETag, so concurrent purchases on any number of instances never pass the cap together, and a purchase
/// counted once is never counted again (a retry finds it). A purchase the supplier confirmed it did not make gives its
/// amount back.
/// </summary>
internal sealed class DailyCodeSpend(TableServiceClient tables, TimeProvider clock)
{
    private const int Rounds = 50;
    private readonly TableClient table = tables.GetTableClient(TableNames.CodeSpend);

    /// <summary>
    /// Counts <paramref name="amount"/> for the purchase <paramref name="reference"/> today, if the cap allows it; true if
    /// it is counted (now or before), false if it would pass the cap.
    /// </summary>
    public async Task<bool> TryCountAsync(Sku sku, string reference, decimal amount, CancellationToken cancellationToken)
    {
        var cap = sku.DailyCodeSpendCap ?? 0m;
        var day = Day(clock.GetUtcNow());
        for (var round = 0; round < Rounds; round++)
        {
            if ((await table.GetEntityIfExistsAsync<TableEntity>(sku.Id, PurchaseRow(reference), cancellationToken: cancellationToken)).HasValue)
            {
                return true;
            }

            var total = await table.GetEntityIfExistsAsync<TableEntity>(sku.Id, DayRow(day), cancellationToken: cancellationToken);
            var spent = total.HasValue ? Spent(total.Value!) : 0m;
            if (spent + amount > cap)
            {
                return false;
            }

            try
            {
                await table.SubmitTransactionAsync(
                    [
                        new(TableTransactionActionType.Add, new TableEntity(sku.Id, PurchaseRow(reference)) { ["Day"] = day, ["Amount"] = Text(amount) }),
                        Total(sku.Id, day, spent + amount, total.HasValue ? total.Value!.ETag : null),
                    ],
                    cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another purchase changed the day's total, or this one was counted meanwhile: read again.
            }
        }

        throw new RetryLaterException($"Could not count the code spend of {sku.Id} for {reference}: too many concurrent purchases; retrying.");
    }

    /// <summary>The purchase was never made (a confirmed failure): its amount no longer counts. Nothing if it was not counted.</summary>
    public async Task GiveBackAsync(Sku sku, string reference, CancellationToken cancellationToken)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var purchase = await table.GetEntityIfExistsAsync<TableEntity>(sku.Id, PurchaseRow(reference), cancellationToken: cancellationToken);
            if (!purchase.HasValue)
            {
                return;
            }

            var day = purchase.Value!.GetString("Day");
            var total = await table.GetEntityAsync<TableEntity>(sku.Id, DayRow(day), cancellationToken: cancellationToken);
            var amount = decimal.Parse(purchase.Value.GetString("Amount"), CultureInfo.InvariantCulture);
            try
            {
                await table.SubmitTransactionAsync(
                    [
                        new(TableTransactionActionType.Delete, purchase.Value, purchase.Value.ETag),
                        Total(sku.Id, day, Math.Max(0m, Spent(total.Value) - amount), total.Value.ETag),
                    ],
                    cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Changed meanwhile: read again.
            }
        }

        throw new RetryLaterException($"Could not give back the code spend of {sku.Id} for {reference}; retrying.");
    }

    /// <summary>What the SKU spent on codes on the UTC day of <paramref name="at"/>.</summary>
    public async Task<decimal> SpentAsync(Sku sku, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var total = await table.GetEntityIfExistsAsync<TableEntity>(sku.Id, DayRow(Day(at)), cancellationToken: cancellationToken);
        return total.HasValue ? Spent(total.Value!) : 0m;
    }

    private static TableTransactionAction Total(string sku, string day, decimal spent, ETag? etag)
    {
        var row = new TableEntity(sku, DayRow(day)) { ["Spent"] = Text(spent) };
        return etag is { } known
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, known)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    private static decimal Spent(TableEntity total) => decimal.Parse(total.GetString("Spent") ?? "0", CultureInfo.InvariantCulture);

    private static string Text(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string DayRow(string day) => "day|" + day;

    private static string PurchaseRow(string reference) => "ref|" + reference;
}
