using System.CommandLine;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil kek rotate</c>: re-wrap everything sealed under an older KEK version, with progress, resumable.</summary>
internal static class KekCommand
{
    public static Command Build(bool interactive)
    {
        var maxRows = new Option<int>("--rows-per-call") { Description = "Rows the app re-wraps per request (1-5000).", DefaultValueFactory = _ => 500 };
        var resume = new Option<string?>("--resume") { Description = "Continue from the continuation token an interrupted run printed." };
        var rotate = new Command(
            "rotate",
            "Re-wrap every data key and partner secret under an older KEK version to the current Key Vault version (no card-key ciphertext " +
            "is touched). Run it after adding the new secret version, again 5 minutes later; when it re-wraps 0 and fails 0, disable the old version.")
        {
            maxRows, resume,
        };
        rotate.Runs(async (context, cancellationToken) =>
        {
            var progress = new ProgressBar(context.Error, interactive, "rows", null);
            var token = context.Result.GetValue(resume);
            long examined = 0, rewrapped = 0, alreadyCurrent = 0, failed = 0;
            var failures = new List<string>();
            string version;
            do
            {
                KekRotationProgress step;
                try
                {
                    step = await context.Api.PostAsync<KekRotationProgress>(
                        "api/ops/kek/rotate", new KekRotationRequest(token, context.Result.GetValue(maxRows)), Caller.Ops, cancellationToken);
                }
                catch (CliException e) when (token is not null)
                {
                    throw new CliException(e.ExitCode, $"{e.Message}\nResume with: fulfil kek rotate --resume {token}");
                }

                version = step.KekVersion;
                examined += step.Examined;
                rewrapped += step.Rewrapped;
                alreadyCurrent += step.AlreadyCurrent;
                failed += step.Failed;
                failures.AddRange(step.Failures);
                token = step.ContinuationToken;
                progress.Report(examined, $"{rewrapped:N0} re-wrapped, {failed:N0} failed");
            }
            while (token is not null);

            progress.Finish();
            await context.WriteAsync(new { kekVersion = version, examined, rewrapped, alreadyCurrent, failed, failures }, s =>
            [
                $"KEK version {s.kekVersion}: examined {s.examined:N0}, re-wrapped {s.rewrapped:N0}, already current {s.alreadyCurrent:N0}, failed {s.failed:N0}.",
                .. s.failures.Select(f => "  " + f),
                s.failed == 0 && s.rewrapped == 0 ? "Nothing is left under an older version." : "Run it again later before disabling the old version.",
            ]);
            if (failed > 0)
            {
                throw new CliException(ExitCodes.Refused, $"{failed:N0} row(s) could not be re-wrapped (listed above): do not disable their KEK version.");
            }
        });
        return new Command("kek", "The key-encryption key in Key Vault.") { rotate };
    }
}
