/** 简体中文：废水排放口（在线监测）与 HJ 212-2017 数据来源：设备面板的协议、MN、最后数据包与拒收，排放页面的小时值来源与差异小时。 */
export const zhHj212 = {
  'kind.wastewater': '废水排放口在线监测',
  'metric.cod': '化学需氧量（COD）',
  'metric.nh3n': '氨氮',
  'metric.tp': '总磷',
  'metric.tn': '总氮',
  'metric.ph': 'pH 值',
  'metric.flow_w': '废水流量',
} as const
