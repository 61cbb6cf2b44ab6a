/** 简体中文：区域地图（各园区的位置、边界与实时等级）。 */
export const zhMap = {
  'nav.map': '区域地图',
  'map.title': '区域地图',
  'map.offline': '无底图：按区域配置文件绘制园区边界、道路与河流',
  'map.basemap': '在线底图（{crs}）',
  'map.fit': '显示全部园区',
  'map.unplaced': '{n} 个园区未配置地理位置：',
  'map.normal': '正常',
  'map.online': '在线 {n}/{total}',
} as const
