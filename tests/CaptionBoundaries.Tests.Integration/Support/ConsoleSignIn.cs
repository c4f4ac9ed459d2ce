using System.Net;
using System.Text.RegularExpressions;
using CaptionBoundaries.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CaptionBoundaries.Tests.Support;

/// <summary>Signs in through the console's own form over HTTP (antiforgery token and all), as a browser would.</summary>
public static partial class ConsoleSignIn
{
    /// <summary>A client that keeps cookies, shows redirects instead of following them, and sends no API token (so only the cookie signs it in).</summary>
    public static HttpClient CookieClient(ApiFactory factory)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>Posts the sign-in form; the answer is a redirect: to the return URL when signed in, else back to the form with ?error=.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string userName, string password, string returnUrl = "/experiments")
    {
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(form);
        if (!token.Success) throw new InvalidOperationException("The sign-in form carries no antiforgery token:\n" + form);
        var answer = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups["value"].Value),
        }));
        if (answer.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        return answer;
    }

    /// <summary>Where a sign-in sent the browser (e.g. "/experiments" or "/account/login?error=locked&amp;…").</summary>
    public static string Target(HttpResponseMessage answer) => answer.Headers.Location?.OriginalString ?? "";

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
