using MassTransit;

namespace ApprovalOrchestrator.Cli.Bus;

/// <summary>
/// An <c>amqp://user:password@host:port/vhost</c> URL, read the way the orchestrator reads <c>Bus:RabbitMq:Url</c>
/// (a copy of its small parsing, since an integrator's client must not depend on the server's assemblies).
/// </summary>
public sealed record BrokerAddress(string Scheme, string Host, int Port, string VirtualHost, string? Username, string? Password)
{
    public static BrokerAddress Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
        {
            throw new FormatException($"--url '{url}' is not an amqp:// or amqps:// URL (amqp://user:password@host:port/vhost).");
        }

        var virtualHost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        var port = uri.IsDefaultPort || uri.Port < 0 ? (uri.Scheme == "amqps" ? 5671 : 5672) : uri.Port;
        var credentials = uri.UserInfo.Split(':', 2);
        return new BrokerAddress(
            uri.Scheme,
            uri.Host,
            port,
            virtualHost.Length == 0 ? "/" : virtualHost,
            credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : null,
            credentials[0].Length > 0 && credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : null);
    }

    /// <summary>For messages: the password never appears on screen or in logs.</summary>
    public override string ToString() =>
        $"{Scheme}://{(Username is null ? "" : Username + "@")}{Host}:{Port}/{(VirtualHost == "/" ? "" : Uri.EscapeDataString(VirtualHost))}";

    public void Configure(IRabbitMqBusFactoryConfigurator cfg)
    {
        cfg.Host(Host, (ushort)Port, VirtualHost, h =>
        {
            if (Username is not null)
            {
                h.Username(Username);
                h.Password(Password ?? "");
            }

            if (Scheme == "amqps")
            {
                h.UseSsl(s => s.ServerName = Host);
            }

            // A publish completes only once the broker has the message, so "published" means it.
            h.PublisherConfirmation = true;
        });
    }
}
