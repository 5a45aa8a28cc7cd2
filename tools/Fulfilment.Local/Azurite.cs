using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fulfilment.Local;

/// <summary>
/// Azurite, the Azure Storage emulator, started from the repository's <c>npm ci</c> install on 127.0.0.1 and
/// stopped by its pid. Always with <c>--disableTelemetry</c> and <c>--skipApiVersionCheck</c>.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process process;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        Ports = (blobPort, queuePort, tablePort);
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    /// <summary>The blob, queue and table ports: a restart on the same data and ports looks to clients like an outage that ended.</summary>
    public (int Blob, int Queue, int Table) Ports { get; }

    /// <summary>
    /// Starts Azurite. With <paramref name="dataDirectory"/> it keeps data there on the standard ports
    /// (10000-10002, so <c>UseDevelopmentStorage=true</c> works); without, it keeps data in memory on free ports.
    /// </summary>
    public static async Task<Azurite> StartAsync(
        string? dataDirectory = null, CancellationToken cancellationToken = default, (int Blob, int Queue, int Table)? ports = null)
    {
        var script = Path.Combine(RepositoryRoot.Find(), "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script} is missing): run `npm ci` at the repository root.");
        }

        var (blob, queue, table) = ports ?? (dataDirectory is null ? FreePorts() : (10000, 10001, 10002));
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (dataDirectory is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(dataDirectory);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new Azurite(process, blob, queue, table);
        try
        {
            await WaitUntilListeningAsync(process, [blob, queue, table], TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    /// <summary>Stops Azurite as an operator would (SIGTERM, so it writes its data to disk), killing it if it will not go.</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited && SendTerminate(process.Id) == 0)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await DisposeAsync();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int SendTerminate(int pid) => OperatingSystem.IsWindows() ? -1 : Kill(pid, 15);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    /// <summary>Three different free ports, held open together while chosen so that none is handed out twice.</summary>
    public static (int Blob, int Queue, int Table) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    /// <summary>
    /// Three free ports below the range the system hands out for ephemeral ports (32768 and up), for an Azurite that is
    /// stopped and started again on the same ports: while it is down, no other test's free port or client socket can take
    /// them.
    /// </summary>
    public static (int Blob, int Queue, int Table) FreePortsForRestarts()
    {
        var chosen = new List<int>();
        while (chosen.Count < 3)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            if (chosen.Contains(port))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                chosen.Add(port);
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        return (chosen[0], chosen[1], chosen[2]);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilListeningAsync(Process process, int[] ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} (is port {port} already in use?).");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
        }
    }
}
