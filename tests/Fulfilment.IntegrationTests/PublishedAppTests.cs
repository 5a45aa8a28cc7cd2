using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Fulfilment.Hosting;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// The deployable folder made by <c>scripts/publish.sh</c>, checked the way the Functions host will use it: host.json
/// points at an executable that is there, and that executable, started as the host starts a custom handler, answers
/// every function folder's route (and refuses to start if a handler has no folder).
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class PublishedAppTests(StorageFixture storage)
{
    [Fact]
    public async Task The_published_folder_runs_as_a_custom_handler_with_a_route_for_every_function_folder()
    {
        var root = RepositoryRoot.Find();
        var folder = Path.Combine(Path.GetTempPath(), "fulfil-publish-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var publish = await RunAsync(Path.Combine(root, "scripts", "publish.sh"), [folder], root);
            Assert.True(publish.ExitCode == 0, publish.Output);

            using var hostJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "host.json")));
            var executable = Path.Combine(folder, hostJson.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!);
            Assert.True(File.Exists(executable), $"host.json names {executable}, which is not in the folder");
            Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), "the handler is not executable");
            Assert.True(hostJson.RootElement.GetProperty("customHandler").GetProperty("enableForwardingHttpRequest").GetBoolean());

            var metadata = FunctionAppMetadata.Load(folder);
            var built = FunctionAppMetadata.Load(AppContext.BaseDirectory);
            Assert.Equal(built.Functions.Select(f => f.Name), metadata.Functions.Select(f => f.Name));

            var port = Azurite.FreePort();
            using var handler = StartHandler(executable, folder, port);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await Scenario.EventuallyAsync(async () =>
            {
                if (handler.Process.HasExited)
                {
                    Assert.Fail("the handler stopped: " + handler.ErrorOutput);
                }

                try
                {
                    return (await http.GetAsync("api/openapi.json")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the published handler listening", TimeSpan.FromSeconds(60));

            foreach (var function in metadata.Functions)
            {
                HttpResponseMessage response;
                if (function.TimerTrigger is not null)
                {
                    // As the host invokes it: POST /<FunctionName> with the timer's info; it runs and answers the protocol's JSON.
                    response = await http.PostAsync(function.Name, new StringContent("{\"Data\":{\"timer\":{}},\"Metadata\":{}}", Encoding.UTF8, "application/json"));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Contains("Outputs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    continue;
                }

                if (function.QueueTrigger is not null)
                {
                    // As the host invokes it: POST /<FunctionName>. An empty payload is refused by the function itself.
                    response = await http.PostAsync(function.Name, new StringContent("{}", Encoding.UTF8, "application/json"));
                    Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                    Assert.Contains("Outputs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    continue;
                }

                var route = System.Text.RegularExpressions.Regex.Replace(function.HttpTrigger!.Route!, "{[^}]+}", "x");
                var method = new HttpMethod(function.HttpTrigger.Methods![0].ToUpperInvariant());
                response = await http.SendAsync(new HttpRequestMessage(method, $"{metadata.RoutePrefix}/{route}"));
                var body = await response.Content.ReadAsStringAsync();
                Assert.False(response.StatusCode == HttpStatusCode.NotFound && body.Length == 0, $"{function.Name}: no route {method} /{metadata.RoutePrefix}/{route}");
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Starts the handler as the Functions host does: in its folder, told its port, settings in the environment.</summary>
    private AppProcess StartHandler(string executable, string folder, int port) =>
        AppProcess.Start(executable, folder, new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = $"{port}",
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["OrderFulfilmentQueue"] = "published-" + Guid.NewGuid().ToString("N")[..8],
        });

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string directory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
