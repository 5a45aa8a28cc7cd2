using Fulfilment.Hosting;

namespace Fulfilment.Functions.GetOpenApiDocument;

/// <summary>GET /api/openapi.json — the OpenAPI document of the partner and ops APIs (docs/openapi.json, as built in).</summary>
internal sealed class GetOpenApiDocumentFunction : IHttpFunction
{
    public const string ResourceName = "openapi.json";

    public string Name => "GetOpenApiDocument";

    public Task<IResult> HandleAsync(HttpContext context) =>
        Task.FromResult(Results.Stream(OpenDocument(), "application/json"));

    public static Stream OpenDocument() =>
        typeof(GetOpenApiDocumentFunction).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The build did not embed {ResourceName}.");
}
