using Fulfilment.Functions.GetOpenApiDocument;
using Fulfilment.Hosting;
using Microsoft.OpenApi;

namespace Fulfilment.Tests;

/// <summary>docs/openapi.json is valid and describes exactly the HTTP functions the app has.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public void Document_is_valid_OpenAPI_and_matches_every_http_function_route_and_method()
    {
        using var reader = new StreamReader(GetOpenApiDocumentFunction.OpenDocument());
        var result = OpenApiDocument.Parse(reader.ReadToEnd(), "json");
        Assert.Empty(result.Diagnostic!.Errors);
        var document = result.Document!;

        var metadata = FunctionAppMetadata.Load(AppContext.BaseDirectory);
        var fromFunctions = metadata.Functions
            .Where(f => f.HttpTrigger is not null)
            .SelectMany(f => f.HttpTrigger!.Methods!.Select(m => $"{m.ToUpperInvariant()} /{metadata.RoutePrefix}/{f.HttpTrigger.Route} {f.Name}"))
            .Order();
        var fromDocument = document.Paths
            .SelectMany(p => p.Value.Operations!.Select(o => $"{o.Key.Method.ToUpperInvariant()} {p.Key} {o.Value.OperationId}"))
            .Order();
        Assert.Equal(fromFunctions, fromDocument);
    }

    [Fact]
    public void Every_operation_says_how_it_authenticates_and_what_its_errors_look_like()
    {
        using var reader = new StreamReader(GetOpenApiDocumentFunction.OpenDocument());
        var document = OpenApiDocument.Parse(reader.ReadToEnd(), "json").Document!;
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                var name = $"{method} {path}";
                Assert.True(operation.Security is not null, $"{name} declares its security");
                if (operation.Security!.Count > 0)
                {
                    Assert.True(operation.Responses!.ContainsKey("401"), $"{name} documents 401");
                }

                if (path.StartsWith("/api/partners/", StringComparison.Ordinal))
                {
                    Assert.True(operation.Responses!.ContainsKey("404") && operation.Responses.ContainsKey("429"), $"{name} documents 404 and 429");
                }
            }
        }
    }
}

/// <summary>The webhook's limits as the OpenAPI document states them are the limits the code enforces.</summary>
public sealed class PaymentDataContractTests
{
    [Fact]
    public void Order_id_and_quantity_limits_in_the_document_are_the_codes()
    {
        using var reader = new StreamReader(GetOpenApiDocumentFunction.OpenDocument());
        using var document = System.Text.Json.JsonDocument.Parse(reader.ReadToEnd());
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var opening in new[] { "PaymentData", "OpenOrderRequest" })
        {
            var fields = schemas.GetProperty(opening).GetProperty("properties");
            Assert.Equal(Fulfilment.Orders.OrderId.Pattern, fields.GetProperty("orderId").GetProperty("pattern").GetString());
            Assert.Equal(Fulfilment.Orders.OrderRequest.MaxQuantity, fields.GetProperty("quantity").GetProperty("maximum").GetInt32());
        }

        var data = schemas.GetProperty("PaymentData").GetProperty("properties");
        var orderId = data.GetProperty("orderId");
        var quantity = data.GetProperty("quantity");

        Assert.Equal(Fulfilment.Orders.OrderId.MaxLength, orderId.GetProperty("maxLength").GetInt32());
        Assert.Equal(Fulfilment.Orders.OrderId.Pattern, orderId.GetProperty("pattern").GetString());
        Assert.Equal(Fulfilment.Orders.OrderRequest.MaxQuantity, quantity.GetProperty("maximum").GetInt32());

        // The documented pattern, applied as a reader of the document would, agrees with the code on hard cases.
        var documented = new System.Text.RegularExpressions.Regex(orderId.GetProperty("pattern").GetString()!);
        foreach (var id in new[] { "A-1", ".", "..", "...a", "a:b_c.d", new string('x', 128), new string('x', 129), "a b", "a/b", "" })
        {
            Assert.True(documented.IsMatch(id) == Fulfilment.Orders.OrderId.IsValid(id), $"'{id}'");
        }
    }
}
