using Fulfilment.Delivery;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Suppliers;
using Microsoft.Extensions.Options;

namespace Fulfilment.Functions.SupplierCallback;

/// <summary>
/// POST /api/suppliers/{supplier}/callbacks?partner=…&amp;order=…&amp;sig=… — a supplier telling us an order's credit
/// changed (DT One posts the transaction when it is final). The URL's signature is ours (<see cref="SupplierCallbacks"/>);
/// the body is never believed: a genuine callback only has the order's supplier asked now rather than at the next
/// back-off, and that answer is what counts; about an order already delivered, it has the supplier asked whether the
/// credit still stands (ops are alerted if not). Answered 202 once done; 401 for a URL we did not sign.
/// </summary>
internal sealed class SupplierCallbackFunction(
    SupplierDirectory suppliers,
    IOptionsMonitor<SupplierOptions> settings,
    SupplierDelivery delivery,
    ILogger<SupplierCallbackFunction> logger) : IHttpFunction
{
    private const int MaxBodyBytes = 64 * 1024;

    public string Name => "SupplierCallback";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var supplier = (string)context.GetRouteValue("supplier")!;
        var query = context.Request.Query;
        string? partnerId = query["partner"], orderId = query["order"], signature = query["sig"];
        if (!suppliers.IsConfigured(supplier))
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, "not_found", $"No supplier '{supplier}'.");
        }

        if (query["partner"].Count != 1 || query["order"].Count != 1 || query["sig"].Count != 1
            || string.IsNullOrEmpty(partnerId) || string.IsNullOrEmpty(orderId) || string.IsNullOrEmpty(signature)
            || !SupplierCallbacks.IsGenuine(supplier, settings.Get(supplier), partnerId, orderId, signature))
        {
            logger.LogWarning("Refused a callback for {Supplier}: the URL is not one we signed", supplier);
            return ApiResults.Error(StatusCodes.Status401Unauthorized, "invalid_signature", "This callback URL was not issued by us.");
        }

        if (await ApiResults.ReadBodyAsync(context.Request, MaxBodyBytes) is null)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "too_large", $"A callback is at most {MaxBodyBytes} bytes.");
        }

        await delivery.HearCallbackAsync(supplier, partnerId, orderId, context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }
}
