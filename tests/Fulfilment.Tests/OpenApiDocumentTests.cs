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
