using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Apollo.Cli.Tests;

/// <summary>
/// Headless Chromium driven over the Chrome DevTools Protocol (one browser WebSocket, one page attached with
/// <c>flatten</c> sessions), for the report's browser test: it records every console message, exception and network
/// request the page makes, evaluates script in it and sends real mouse events. Nothing but the BCL is needed.
/// </summary>
public sealed class DevToolsBrowser : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _profile;
    private Task _receiver = Task.CompletedTask;
    private int _nextId;
    private string? _session;

    private DevToolsBrowser(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Every event the page sent (method and params), in order.</summary>
    public ConcurrentQueue<(string Method, JsonNode Params)> Events { get; } = new();

    public static async Task<DevToolsBrowser> Start(string chromium, int width, int height)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-").FullName;
        var info = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var flag in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--remote-debugging-port=0", $"--window-size={width},{height}",
            $"--user-data-dir={profile}", "about:blank",
        })
        {
            info.ArgumentList.Add(flag);
        }

        var browser = new DevToolsBrowser(Process.Start(info)!, profile);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? endpoint = null;
        while (endpoint is null)
        {
            var line = await browser._process.StandardError.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("chromium exited before its DevTools endpoint was up");
            const string marker = "DevTools listening on ";
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                endpoint = line[marker.Length..].Trim();
            }
        }

        // Keep draining both pipes so that chromium never blocks on a full one.
        _ = browser._process.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = browser._process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        await browser._socket.ConnectAsync(new Uri(endpoint), timeout.Token);
        browser._receiver = Task.Run(browser.Receive);
        var target = await browser.Send("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, browserLevel: true);
        var attached = await browser.Send("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, browserLevel: true);
        browser._session = attached["sessionId"]!.GetValue<string>();
        foreach (var domain in new[] { "Runtime.enable", "Log.enable", "Network.enable", "Page.enable" })
        {
            await browser.Send(domain);
        }

        return browser;
    }

    /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
    public async Task Navigate(string url)
    {
        await Send("Page.navigate", new JsonObject { ["url"] = url });
        await WaitFor(() => Events.Any(e => e.Method == "Page.loadEventFired"), "the page's load event");
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value (JSON-serialisable values only).</summary>
    public async Task<JsonNode?> Evaluate(string expression)
    {
        var result = await Send("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } error)
        {
            throw new InvalidOperationException($"{expression}: {error.ToJsonString()}");
        }

        return result["result"]?["value"];
    }

    /// <summary>Moves the mouse to client coordinates (x, y), as a user would.</summary>
    public Task MoveMouse(double x, double y) =>
        Send("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseMoved", ["x"] = x, ["y"] = y });

    /// <summary>Presses and releases the left button at (x, y).</summary>
    public async Task Click(double x, double y)
    {
        foreach (var type in new[] { "mousePressed", "mouseReleased" })
        {
            await Send("Input.dispatchMouseEvent", new JsonObject { ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1 });
        }
    }

    public async Task<byte[]> Screenshot() =>
        Convert.FromBase64String((await Send("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }))["data"]!.GetValue<string>());

    /// <summary>Polls <paramref name="condition"/> every 50 ms for up to 30 s.</summary>
    public static async Task WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    public async Task<JsonNode> Send(string method, JsonObject? parameters = null, bool browserLevel = false)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (!browserLevel)
        {
            message["sessionId"] = _session;
        }

        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        var response = await reply.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return response["error"] is { } error
            ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}")
            : response["result"] ?? new JsonObject();
    }

    private async Task Receive()
    {
        var buffer = new byte[1 << 16];
        var text = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                text.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                {
                    continue;
                }

                var node = JsonNode.Parse(text.ToArray())!;
                text.SetLength(0);
                if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var reply))
                {
                    reply.SetResult(node);
                }
                else if (node["method"] is { } method)
                {
                    Events.Enqueue((method.GetValue<string>(), node["params"] ?? new JsonObject()));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The browser closed or the test ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await _receiver;
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment; the temp folder is cleaned eventually.
        }
    }
}
