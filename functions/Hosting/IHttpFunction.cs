namespace Fulfilment.Hosting;

/// <summary>A function triggered over HTTP; its route and methods come from its folder's function.json.</summary>
internal interface IHttpFunction
{
    string Name { get; }

    Task<IResult> HandleAsync(HttpContext context);
}
