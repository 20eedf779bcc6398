using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class IpAddressDetectorTests
{
    [Theory]
    [InlineData("host 192.168.1.10 is down", "ipv4", "192.168.1.10")]
    [InlineData("allow 10.0.0.0/8", "ipv4", "10.0.0.0")]
    [InlineData("connect to 127.0.0.1:8080", "ipv4", "127.0.0.1")]
    [InlineData("dns 8.8.8.8.", "ipv4", "8.8.8.8")]
    [InlineData("addr 1.2.3.4", "ipv4", "1.2.3.4")]
    [InlineData("server v2 at 10.0.0.7", "ipv4", "10.0.0.7")]
    [InlineData("v6 2001:db8::1 up", "ipv6", "2001:db8::1")]
    [InlineData("v6 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "ipv6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("link fe80::1ff:fe23:4567:890a%eth0", "ipv6", "fe80::1ff:fe23:4567:890a")]
    [InlineData("loopback ::1 only", "ipv6", "::1")]
    [InlineData("mapped ::ffff:192.0.2.1 here", "ipv6", "::ffff:192.0.2.1")]
    public void Addresses_are_found(string text, string id, string value) => AssertSingle(text, id, value);

    [Theory]
    [InlineData("version 10.0.19041.1")]
    [InlineData("v1.2.3.4 shipped")]
    [InlineData("build 4.5.6.7")]
    [InlineData("OID 1.3.6.1.4.1.311")]
    [InlineData("not 256.1.1.1 or 1.2.3")]
    [InlineData("at 10:30:00 on 2026-12-02T10:30:00Z")]
    [InlineData("MAC 00:1a:2b:3c:4d:5e")]
    [InlineData("C++ std::vector and Foo::Bar and dead::beef")]
    [InlineData("ratio 1:2:3")]
    [InlineData("id 550e8400-e29b-41d4-a716-446655440000")]
    public void Near_misses_are_not_addresses(string text) => AssertNone(text);
}
