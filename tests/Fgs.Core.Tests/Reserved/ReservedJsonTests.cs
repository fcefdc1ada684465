using System.Text.Json;
using System.Text.Json.Nodes;
using Fgs.Core.Json;
using Fgs.Core.Reserved;

namespace Fgs.Core.Tests.Reserved;

/// <summary>The reserved-instance models read and write the SDK's JSON names.</summary>
public sealed class ReservedJsonTests
{
    // What the Node.js SDK sends for new UpdateFunctionReservedInstancesCountRequestBody(2).withIdleMode(true).withTacticsConfig(...).
    private const string SdkBody = """
        {
          "count": 2,
          "idle_mode": true,
          "tactics_config": {
            "cron_configs": [{"name": "peak", "cron": "CRON_TZ=Asia/Shanghai 0 0 9 * * ?", "count": 10, "start_time": 1706149526, "expired_time": 1737685526}],
            "metric_configs": [{"name": "util", "type": "Concurrency", "threshold": 90, "min": 1}]
          }
        }
        """;

    [Fact]
    public void The_update_body_reads_the_SDK_names()
    {
        var body = JsonSerializer.Deserialize(SdkBody, FgsJsonContext.Default.UpdateFunctionReservedInstancesCountRequestBody)!;

        Assert.Equal(2, body.Count);
        Assert.True(body.IdleMode);
        var cron = Assert.Single(body.TacticsConfig!.CronConfigs!);
        Assert.Equal(("peak", "CRON_TZ=Asia/Shanghai 0 0 9 * * ?", 10, 1706149526L, 1737685526L),
            (cron.Name, cron.Cron, cron.Count!.Value, cron.StartTime!.Value, cron.ExpiredTime!.Value));
        var metric = Assert.Single(body.TacticsConfig.MetricConfigs!);
        Assert.Equal(("util", "Concurrency", 90, 1), (metric.Name, metric.Type, metric.Threshold!.Value, metric.Min!.Value));
        Assert.Null(ReservedInstanceValidator.Validate(body));
    }

    [Fact]
    public void The_update_response_round_trips_the_body()
    {
        var body = JsonSerializer.Deserialize(SdkBody, FgsJsonContext.Default.UpdateFunctionReservedInstancesCountRequestBody)!;
        Assert.True(ReservedInstanceValidator.TryValidate(body, out var settings, out _));

        var json = JsonSerializer.Serialize(settings.ToResponse(), FgsJsonContext.Default.UpdateFunctionReservedInstancesCountResponse);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SdkBody), JsonNode.Parse(json)), json);
    }

    [Fact]
    public void A_fixed_count_response_has_no_tactics_config()
    {
        var json = JsonSerializer.Serialize(new ReservedInstanceSettings { Count = 3 }.ToResponse(),
            FgsJsonContext.Default.UpdateFunctionReservedInstancesCountResponse);

        Assert.Equal("""{"count":3,"idle_mode":false}""", json);
    }

    [Fact]
    public void The_config_list_writes_the_SDK_names()
    {
        var response = new ListReservedInstanceConfigsResponse
        {
            ReservedInstances = [new ReservedInstanceSettings { Count = 3, IdleMode = true }.ToConfigs("urn:fss:r:p:function:default:f", ReservedQualifier.Version("v1"))],
            PageInfo = new ReservedPageInfo { NextMarker = 1, PreviousMarker = 0, CurrentCount = 1 },
            Count = 1,
        };

        var json = JsonSerializer.Serialize(response, FgsJsonContext.Default.ListReservedInstanceConfigsResponse);

        Assert.Equal("""{"reserved_instances":[{"function_urn":"urn:fss:r:p:function:default:f","qualifier_type":"version","qualifier_name":"v1","min_count":3,"idle_mode":true}],"page_info":{"next_marker":1,"previous_marker":0,"current_count":1},"count":1}""", json);
    }

    [Fact]
    public void The_instance_list_writes_the_SDK_names()
    {
        var response = new ListFunctionReservedInstancesResponse
        {
            ReservedInstances = [new FuncReservedInstance { FuncUrn = "urn:fss:r:p:function:default:f:v1", Count = 2 }],
            Count = 1,
        };

        var json = JsonSerializer.Serialize(response, FgsJsonContext.Default.ListFunctionReservedInstancesResponse);

        Assert.Equal("""{"reservedinstances":[{"func_urn":"urn:fss:r:p:function:default:f:v1","count":2}],"count":1}""", json);
    }
}
