using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;
using Fulfilment.Suppliers;
using Microsoft.Extensions.Options;

namespace Fulfilment.Functions.SaveSku;

/// <summary>
/// PUT /api/ops/skus/{sku} — create or update a SKU: <c>{"name", "kind", "unitPrice", "currency", "unitCost"?}</c>, plus for
/// card keys <c>"shardCount"</c> (partitions for new imports) and <c>"lowStockThreshold"</c>, and for top-ups and
/// redemptions <c>"suppliers"</c> (configured supplier names, in failover order) and <c>"productCode"</c>. A card-key SKU
/// may name suppliers that sell codes, with their product codes, a <c>"unitCost"</c> and a <c>"dailyCodeSpendCap"</c>.
/// </summary>
internal sealed class SaveSkuFunction(
    SkuCatalogue catalogue, CardKeyInventory keys, SupplierDirectory suppliers, IOptions<InventoryOptions> inventory) : IHttpFunction
{
    public string Name => "SaveSku";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var skuId = (string)context.GetRouteValue("sku")!;
        var (body, error) = await JsonBody.ReadAsync<SaveSkuRequest>(context.Request);
        if (error is not null)
        {
            return error;
        }

        var problems = new List<string>();
        if (!SkuId.IsValid(skuId)) problems.Add("the SKU id must be 1-64 letters, digits and . _ -");
        if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 200) problems.Add("name must be 1-200 characters");
        if (!SkuKind.All.Contains(body.Kind)) problems.Add($"kind must be one of {string.Join(", ", SkuKind.All)}");
        if (body.UnitPrice <= 0) problems.Add("unitPrice must be a positive number");
        if (body.UnitCost is < 0) problems.Add("unitCost must not be negative");
        if (!CurrencyCode.IsValid(body.Currency)) problems.Add("currency must be a three-letter ISO 4217 code");
        else
        {
            var decimals = Money.MinorUnits(body.Currency!);
            if (!Money.IsExact(body.UnitPrice, body.Currency!)) problems.Add($"unitPrice must have at most {decimals} decimals in {body.Currency}");
            if (body.UnitCost is { } cost && !Money.IsExact(cost, body.Currency!)) problems.Add($"unitCost must have at most {decimals} decimals in {body.Currency}");
        }

        if (body.ShardCount is < 1 or > 64) problems.Add("shardCount must be 1-64");
        if (body.LowStockThreshold is < 0) problems.Add("lowStockThreshold must not be negative");
        if (body.Kind != SkuKind.CardKey && (body.ShardCount is not null || body.LowStockThreshold is not null || body.CaseSensitiveKeys is not null || body.HoldStock is not null))
        {
            problems.Add("shardCount, lowStockThreshold, caseSensitiveKeys and holdStock are for card keys only");
        }

        IReadOnlyList<string> supplierNames = body.Suppliers ?? [];
        IReadOnlyList<Contract.SupplierProduct> supplierProducts = body.SupplierProducts ?? [];
        string? CodeFor(string supplier) => supplierProducts.FirstOrDefault(p => p?.Supplier == supplier)?.ProductCode ?? body.ProductCode;
        if (body.Kind is SkuKind.DirectTopUp or SkuKind.Redemption)
        {
            if (supplierNames.Count == 0) problems.Add("suppliers must name at least one supplier for this kind");
            problems.AddRange(supplierNames.Where(suppliers.SellsCodes).Select(s => $"supplier '{s}' sells codes: it cannot top up or redeem"));
        }

        if (body.Kind == SkuKind.CardKey && supplierNames.Count > 0)
        {
            problems.AddRange(supplierNames.Where(s => suppliers.IsConfigured(s) && !suppliers.SellsCodes(s)).Select(s => $"supplier '{s}' sells no codes: a card-key SKU can only buy codes"));
            if (body.UnitCost is not > 0) problems.Add("unitCost is required when a card-key SKU buys codes: each code bought counts against the daily cap at it");
            if (body.DailyCodeSpendCap is not > 0) problems.Add("dailyCodeSpendCap is required when a card-key SKU buys codes: spending is never unbounded");
        }
        else if (body.DailyCodeSpendCap is not null)
        {
            problems.Add("dailyCodeSpendCap is for card-key SKUs that buy codes from suppliers");
        }

        if (body.Kind is SkuKind.DirectTopUp or SkuKind.Redemption || supplierNames.Count > 0)
        {
            problems.AddRange(supplierNames.Where(s => string.IsNullOrWhiteSpace(CodeFor(s))).Select(s => $"productCode (or a supplierProducts entry) is required for supplier '{s}'"));
        }
        else if (supplierProducts.Count > 0)
        {
            problems.Add("supplierProducts need suppliers");
        }

        if (body.DailyCodeSpendCap is { } spendCap && CurrencyCode.IsValid(body.Currency) && !Money.IsExact(spendCap, body.Currency!))
        {
            problems.Add($"dailyCodeSpendCap must have at most {Money.MinorUnits(body.Currency!)} decimals in {body.Currency}");
        }

        problems.AddRange(supplierNames.Where(s => !suppliers.IsConfigured(s)).Select(s => $"supplier '{s}' is not configured"));
        problems.AddRange(supplierProducts.Where(p => p is null || string.IsNullOrWhiteSpace(p.Supplier) || string.IsNullOrWhiteSpace(p.ProductCode))
            .Select(_ => "each supplierProducts entry needs a supplier and a productCode"));
        problems.AddRange(supplierProducts.Where(p => p?.Supplier is { } s && !supplierNames.Contains(s)).Select(p => $"supplierProducts names '{p.Supplier}', which is not one of suppliers"));
        problems.AddRange(supplierProducts.GroupBy(p => p?.Supplier).Where(g => g.Count() > 1).Select(g => $"supplierProducts names '{g.Key}' more than once"));
        problems.AddRange(supplierNames.Where(suppliers.IsConfigured).Select(s => CodeFor(s) is { Length: > 0 } code ? suppliers.CheckProductCode(s, code) : null).OfType<string>());
        if (problems.Count > 0)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_sku", "The SKU is not valid.", problems);
        }

        if (body.CaseSensitiveKeys is { } caseSensitive && await catalogue.FindFreshAsync(skuId, context.RequestAborted) is { } before
            && before.CaseSensitiveKeys != caseSensitive && await HasKeysAsync(before, context.RequestAborted))
        {
            // The duplicate check of the keys already imported was made one way; it cannot change under them.
            return ApiResults.Error(StatusCodes.Status409Conflict, "keys_imported",
                $"caseSensitiveKeys of SKU '{skuId}' cannot change: keys were imported under the current setting.");
        }

        var sku = await catalogue.SaveAsync(
            new Catalogue.Sku(skuId, body.Name, body.Kind, body.UnitPrice, body.Currency!, inventory.Value.ShardCount)
            {
                Suppliers = supplierNames,
                ProductCode = body.ProductCode,
                SupplierProducts = supplierProducts.Select(p => new Catalogue.SupplierProduct(p.Supplier, p.ProductCode)).ToList(),
                UnitCost = body.UnitCost,
                LowStockThreshold = body.LowStockThreshold,
                HoldStock = body.HoldStock ?? false,
                DailyCodeSpendCap = body.DailyCodeSpendCap,
            },
            body.ShardCount,
            context.RequestAborted,
            body.CaseSensitiveKeys);
        return Results.Json(new Contract.Sku(
            sku.Id, sku.Name, sku.Kind, sku.UnitPrice, sku.Currency, sku.ShardCount, sku.Suppliers, sku.ProductCode, sku.UnitCost, sku.UnitMargin,
            sku.PastShardCounts, sku.ShardSlots, sku.LowStockThreshold, sku.CaseSensitiveKeys, sku.HoldStock,
            sku.SupplierProducts.Select(p => new Contract.SupplierProduct(p.Supplier, p.ProductCode)).ToList(), sku.DailyCodeSpendCap));
    }

    private async Task<bool> HasKeysAsync(Catalogue.Sku sku, CancellationToken cancellationToken)
    {
        var stock = await keys.GetStockAsync(sku, cancellationToken);
        return stock.Available + stock.Reserved + stock.Sold + stock.Void > 0;
    }
}
