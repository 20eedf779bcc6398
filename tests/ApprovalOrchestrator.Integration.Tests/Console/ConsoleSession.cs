using System.Net;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Console;

/// <summary>A browser-like client for the console: cookies kept, redirects not followed, antiforgery token read from forms.</summary>
public sealed partial class ConsoleSession : IDisposable
{
    private readonly HttpClient _client;

    private ConsoleSession(Uri baseAddress, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _client;

    public static ConsoleSession Anonymous(OrchestratorHost host) => new(host.Anonymous.BaseAddress!);

    /// <summary>The same browser (same cookies) pointed at <paramref name="host"/>, e.g. the server after a restart.</summary>
    public ConsoleSession With(OrchestratorHost host) => new(host.Anonymous.BaseAddress!, Cookies);

    /// <summary>Signs in through the sign-in form with a token for <paramref name="user"/>.</summary>
    public static async Task<ConsoleSession> SignInAsync(OrchestratorHost host, string user, string roles, string groups = "")
    {
        var session = new ConsoleSession(host.Anonymous.BaseAddress!);
        var token = host.Tokens.Issue(user, groups.Split(',', StringSplitOptions.RemoveEmptyEntries), roles.Split(',', StringSplitOptions.RemoveEmptyEntries));
        var response = await session.PostFormAsync("/account/sign-in", "/account/sign-in", new() { ["Token"] = token });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return session;
    }

    /// <summary>The antiforgery token of the first form on <paramref name="page"/>.</summary>
    public async Task<string> AntiforgeryTokenAsync(string page)
    {
        var html = await _client.GetStringAsync(page, TestContext.Current.CancellationToken);
        var match = TokenInput().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts a form to <paramref name="action"/> with the antiforgery token read from <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await AntiforgeryTokenAsync(formPage);
        return await _client.PostAsync(action, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> PostWithoutTokenAsync(string action, Dictionary<string, string>? fields = null) =>
        _client.PostAsync(action, new FormUrlEncodedContent(fields ?? []), TestContext.Current.CancellationToken);

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
