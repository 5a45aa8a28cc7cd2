using Fulfilment.Contract;
using Fulfilment.Crypto;
using Fulfilment.Hosting;
using Fulfilment.Http;

namespace Fulfilment.Functions.RotateKek;

/// <summary>
/// POST /api/ops/kek/rotate <c>{"continuationToken"?, "maxRows"?}</c> — re-wraps up to <c>maxRows</c> (default 500) values
/// sealed under an older KEK version to the current one; call again with the answered token until it is null.
/// </summary>
internal sealed class RotateKekFunction(KekRotation rotation) : IHttpFunction
{
    public const int DefaultMaxRows = 500;
    public const int MaxRows = 5000;

    public string Name => "RotateKek";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (body, error) = await JsonBody.ReadAsync<KekRotationRequest>(context.Request);
        if (error is not null)
        {
            return error;
        }

        if (body!.MaxRows is < 1 or > MaxRows)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_max_rows", $"maxRows must be 1-{MaxRows}.");
        }

        try
        {
            var progress = await rotation.RunAsync(body.ContinuationToken, body.MaxRows ?? DefaultMaxRows, context.RequestAborted);
            return Results.Json(new Contract.KekRotationProgress(
                progress.KekVersion, progress.Examined, progress.Rewrapped, progress.AlreadyCurrent, progress.Failed, progress.Failures, progress.ContinuationToken));
        }
        catch (FormatException e)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_continuation_token", e.Message);
        }
    }
}
