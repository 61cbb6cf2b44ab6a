/**
 * The step library of the default plans (default-plans.ts), zh-CN first. A step that two plans
 * share is the same object with the same id, so an incident that moves from one plan to another
 * (a gas leak that catches fire) keeps it once, with its done state.
 *
 * Sources, by step:
 * - report: 生产安全事故报告和调查处理条例 (国务院令第493号) art. 9 — the unit's head reports to the
 *   local emergency-management authority within 1 hour of learning of an accident.
 * - recheck / monitor / prepare_isolation: GB/T 50493-2019 first- and second-level set points.
 *   The numbers are not typed here: `{setpoint:…}` renders the incident's devices' effective set
 *   points (plan-text.ts), so a park's override reads as the park's number.
 * - notify_env: 环境保护法 art. 47 and 突发环境事件应急管理办法 (环境保护部令第34号): act at once, warn
 *   the units and residents who may be harmed, report to the environment authority.
 * - alarm_119: 消防法 art. 44 (anyone who finds a fire reports it at once).
 * - sirens: GB 50116-2013 4.8.1 (after a fire is confirmed, sound every fire sounder of the building).
 * - isolate_source, ppe, scba, water_curtain, ignition, evacuate: the leak and fire measures of
 *   AQ/T 3052-2015 (危险化学品事故应急救援指挥导则) and common hazardous-chemical practice: cut off
 *   the source, cordon off, no ignition sources, approach from upwind, never alone.
 * - no_extinguish: common practice for burning gas leaks — do not put out the flame before the
 *   supply is cut off, or unburnt gas gathers and may explode on re-ignition.
 * - verify_data: HJ 212-2017 data flags (only N is valid) and HJ 75-2017 (an hourly value needs
 *   ≥ 45 valid minutes); sample: HJ 819-2017 (more frequent monitoring after a result over the limit);
 *   report_env, ledger: 排污许可管理条例 (2021) art. 21.
 */
import type { PlanStep, StepRole } from '../model/response-plan.js'

function step(id: string, role: StepRole, text: string, textEn: string): PlanStep {
  return { id, text, textEn, role }
}

// ── shared ───────────────────────────────────────────────────────────────────────────────

export const REPORT = step(
  'report', 'safety',
  '报告企业负责人和园区应急指挥中心；构成生产安全事故的，单位负责人应于1小时内报告属地应急管理部门（《生产安全事故报告和调查处理条例》第九条）',
  'Report to the enterprise head and the park emergency command centre; for a production-safety accident the head reports to the local emergency-management authority within 1 hour (Regulations on Reporting and Investigation of Production Safety Accidents, art. 9)',
)
export const EVACUATE = step(
  'evacuate', 'safety',
  '疏散区域内无关人员至上风向集合点并清点人数，设置警戒区，禁止无关人员和车辆进入',
  'Evacuate everyone not needed to the upwind assembly point and count heads; set up a cordon, keep people and vehicles out',
)
export const ISOLATE_SOURCE = step(
  'isolate_source', 'responder',
  '关闭泄漏点或着火设备上下游的紧急切断阀，停止进料，必要时局部停车',
  'Close the emergency shut-off valves up- and downstream of the leak or the burning equipment, stop the feed, shut the unit down locally if needed',
)
export const RESTORE = step(
  'restore', 'admin',
  '恢复生产前确认原因已消除、设备已检查；整理处置记录，编写事件报告',
  'Before restarting, confirm the cause is removed and the equipment checked; complete the records and write the incident report',
)

// ── combustible gas ──────────────────────────────────────────────────────────────────────

export const GAS_CONFIRM = step(
  'confirm', 'safety',
  '核实报警：查看相邻探测器读数和视频，派人携带便携式可燃气体检测仪从上风向接近确认泄漏点',
  'Confirm: check neighbouring detectors and video; send someone with a portable combustible-gas detector, approaching from upwind, to find the leak',
)
export const IGNITION = step(
  'ignition', 'responder',
  '警戒区内禁止一切火源：停止动火作业，禁止车辆启动，不操作非防爆电气，使用防爆工具和防爆通讯设备',
  'No ignition sources in the cordon: stop hot work, no vehicle starts, do not switch non-explosion-proof equipment, use spark-free tools and explosion-proof radios',
)
export const VENTILATE = step(
  'ventilate', 'responder',
  '加强通风（防爆风机），必要时喷雾状水稀释，防止气体在低洼处、管沟和受限空间积聚',
  'Ventilate (explosion-proof fans), disperse with water spray if needed; keep gas out of low ground, trenches and confined spaces',
)
export const PPE = step(
  'ppe', 'responder',
  '进入警戒区的人员穿防静电服，佩戴正压式空气呼吸器，两人以上同行并设监护人',
  'Anyone entering the cordon wears antistatic clothing and SCBA, works in pairs, with a standby person outside',
)
export const GAS_RECHECK = step(
  'recheck', 'safety',
  '堵漏后用便携式检测仪和固定探测器复测，浓度稳定低于一级报警值{setpoint:first:combustible}后方可解除警戒（GB/T 50493-2019）',
  'After the leak is stopped, re-check with portable and fixed detectors; lift the cordon only when readings stay below the first-level set point{setpoint:first:combustible} (GB/T 50493-2019)',
)
export const GAS_INSPECT = step(
  'inspect', 'responder',
  '巡检报警探测器附近的法兰、阀门、机泵密封和取样口，查找泄漏点',
  'Inspect flanges, valves, pump seals and sampling points near the detector to find the leak',
)
export const PREPARE_ISOLATION = step(
  'prepare_isolation', 'safety',
  '浓度继续上升或达到二级报警值{setpoint:second:gas}时，立即关闭紧急切断阀并按二级报警方案处置',
  'If the reading keeps rising or reaches the second-level set point{setpoint:second:gas}, close the emergency shut-off valves at once and follow the second-level plan',
)
export const STOP_WORK = step(
  'stop_work', 'safety',
  '暂停报警区域内的动火、受限空间等特殊作业',
  'Suspend hot work, confined-space entry and other special work in the alarm area',
)

// ── toxic gas ────────────────────────────────────────────────────────────────────────────

export const TOXIC_CONFIRM = step(
  'confirm', 'safety',
  '核实报警：查看相邻探测器读数、风向和视频，确认泄漏物质（氯气、氯化氢等）',
  'Confirm: check neighbouring detectors, wind direction and video; identify the substance (chlorine, hydrogen chloride, …)',
)
export const EVACUATE_UPWIND = step(
  'evacuate', 'safety',
  '立即疏散警戒区和下风向人员，沿侧风、上风方向撤离至集合点并清点人数；氯气、氯化氢比空气重，避开低洼处',
  'Evacuate the cordon and everyone downwind at once, moving crosswind then upwind to the assembly point, and count heads; chlorine and HCl are heavier than air — keep off low ground',
)
export const SCBA = step(
  'scba', 'responder',
  '处置人员佩戴正压式空气呼吸器、穿化学防护服，两人以上同行并设监护人',
  'Responders wear SCBA and chemical protective suits, work in pairs, with a standby person outside',
)
export const TOXIC_ISOLATE = step(
  'isolate_source', 'responder',
  '关闭紧急切断阀切断泄漏源；钢瓶泄漏时将漏点转至气相（朝上），必要时倒罐或转移',
  'Close the emergency shut-off valves to cut off the source; turn a leaking cylinder so the leak is in the gas phase (upwards), transfer the contents if needed',
)
export const WATER_CURTAIN = step(
  'water_curtain', 'responder',
  '启动水幕或喷雾状水稀释、吸收；氯气可用碱液（如氢氧化钠溶液）吸收；收集处置废水，防止进入雨水管网',
  'Start water curtains or water spray to dilute and absorb; chlorine can be absorbed with an alkaline solution (e.g. sodium hydroxide); collect the runoff and keep it out of storm drains',
)
export const NOTIFY_ENV = step(
  'notify_env', 'admin',
  '向属地生态环境主管部门报告，并通报可能受影响的周边单位和居民（《环境保护法》第四十七条）',
  'Report to the local environment authority and warn neighbouring units and residents who may be affected (Environmental Protection Law, art. 47)',
)
export const TOXIC_MONITOR = step(
  'monitor', 'safety',
  '在警戒区边界和下风向敏感点监测浓度，稳定低于一级报警值{setpoint:first:toxic}后方可解除警戒（GB/T 50493-2019）',
  'Monitor at the cordon and at sensitive points downwind; lift the cordon only when readings stay below the first-level set point{setpoint:first:toxic} (GB/T 50493-2019)',
)
export const MEDICAL = step(
  'medical', 'responder',
  '将接触人员转移至空气新鲜处，必要时拨打120送医',
  'Move anyone exposed to fresh air; call 120 for medical care if needed',
)

// ── fire ─────────────────────────────────────────────────────────────────────────────────

export const FIRE_CONFIRM = step(
  'confirm', 'safety',
  '核实起火部位、燃烧物质和有无人员被困（视频、火灾报警控制器、现场）',
  'Establish where it burns, what burns and whether anyone is trapped (video, fire alarm panel, on site)',
)
export const ALARM_119 = step(
  'alarm_119', 'safety',
  '立即拨打119报警，讲清单位、地点、燃烧物质和人员被困情况（《消防法》第四十四条）',
  'Call 119 at once: enterprise, place, what burns, anyone trapped (Fire Protection Law, art. 44)',
)
export const SIRENS = step(
  'sirens', 'safety',
  '启动火灾声光警报器和应急广播（GB 50116-2013 第4.8.1条）',
  'Sound the fire sounders and start the emergency public address (GB 50116-2013 4.8.1)',
)
export const FIRE_EVACUATE = step(
  'evacuate', 'safety',
  '疏散人员至集合点并清点人数，组织搜救被困人员；设置警戒区',
  'Evacuate to the assembly point and count heads; search for anyone trapped; set up a cordon',
)
export const FIXED_SYSTEMS = step(
  'fixed_systems', 'responder',
  '启动固定消防设施：消防水泵、喷淋、水喷雾、泡沫系统',
  'Start the fixed fire-fighting systems: fire pumps, sprinklers, water spray, foam',
)
export const COOL_ADJACENT = step(
  'cool_adjacent', 'responder',
  '冷却着火储罐和相邻储罐、设备，防止受热超压',
  'Cool the burning tank and the neighbouring tanks and equipment so they do not overpressure',
)
export const FIRE_WATER = step(
  'fire_water', 'responder',
  '关闭雨水排放口，将消防废水导入事故应急池，防止污染外环境',
  'Close the storm-water outlets and route fire water to the emergency containment pond',
)
export const GUIDE_BRIGADE = step(
  'guide_brigade', 'safety',
  '派专人在路口引导消防车，向消防救援队伍提供物料安全技术说明书并移交现场指挥',
  'Send someone to guide the fire engines in; give the fire brigade the safety data sheets and hand over command',
)
export const FIRE_VERIFY = step(
  'verify', 'safety',
  '单只探测器报警：立即查看视频，并派人携带灭火器到现场确认',
  'Single detector in alarm: check the video at once and send someone with an extinguisher to confirm on site',
)
export const EXTINGUISH_SMALL = step(
  'extinguish_small', 'responder',
  '确认为初起火灾的，用灭火器、消火栓就近扑救，同时报告中控室',
  'If it is an incipient fire, fight it with extinguishers and hydrants and tell the control room',
)
export const ESCALATE_FIRE = step(
  'escalate', 'safety',
  '火势无法控制的，立即拨打119、启动声光警报器，按火灾方案处置',
  'If the fire cannot be held, call 119, sound the sirens and follow the fire plan',
)
export const FALSE_ALARM = step(
  'false_alarm', 'safety',
  '确认为误报的，查明原因（粉尘、水汽、施工等）后复位，并记录',
  'If it is a false alarm, find the cause (dust, steam, construction work, …), reset and record it',
)
export const NO_EXTINGUISH = step(
  'no_extinguish', 'responder',
  '泄漏气体着火：切断气源前不得扑灭火焰，控制燃烧并冷却周围设备，防止复燃爆炸',
  'Burning gas leak: do not put the flame out before the supply is cut off; keep it burning under control and cool the surroundings, or the gas may explode on re-ignition',
)

// ── emission exceedance ──────────────────────────────────────────────────────────────────

export const VERIFY_DATA = step(
  'verify_data', 'safety',
  '核实数据：检查CEMS工况、数据标记（HJ 212-2017，仅N为有效数据）和校准状态，排除仪器故障；小时均值须有至少45个有效分钟（HJ 75-2017）',
  'Verify the data: check the CEMS state, data flags (HJ 212-2017: only N is valid) and calibration, rule out an instrument fault; an hourly value needs at least 45 valid minutes (HJ 75-2017)',
)
export const REDUCE_LOAD = step(
  'reduce_load', 'responder',
  '降低负荷或调整工况（减少投料、调整燃烧和配风）',
  'Reduce the load or adjust operation (less feed, adjust combustion and air)',
)
export const CHECK_ABATEMENT = step(
  'check_abatement', 'responder',
  '检查脱硫、脱硝、除尘等治理设施运行（药剂、喷氨、布袋或电场、风机），排除故障',
  'Check the abatement units — desulphurisation, denitrification, dust removal (reagents, ammonia injection, bags or fields, fans) — and clear faults',
)
export const REPORT_ENV = step(
  'report_env', 'admin',
  '立即向属地生态环境主管部门报告超标情况，说明原因和已采取的措施（《排污许可管理条例》第二十一条）；地方规定报告时限的，按地方规定执行',
  'Report the exceedance to the local environment authority at once, with the cause and the measures taken (Regulations on the Administration of Pollutant Discharge Permits, art. 21); follow any local deadline',
)
export const LEDGER = step(
  'ledger', 'admin',
  '如实记录环境管理台账：超标时段、浓度、原因和措施；超标期间的排放计入排放量',
  'Record it truthfully in the environmental management ledger: period, concentrations, cause and measures; emissions during the exceedance count toward the discharge total',
)
export const SAMPLE = step(
  'sample', 'safety',
  '加密监测，必要时开展手工比对监测（HJ 819-2017）',
  'Monitor more often; run a manual comparison measurement if needed (HJ 819-2017)',
)
export const STOP_UNIT = step(
  'stop_unit', 'admin',
  '治理设施短时间内无法恢复、超标持续的，按排污许可证要求减产或停运相关生产设施',
  'If the abatement cannot be restored soon and the exceedance persists, cut output or stop the unit as the discharge permit requires',
)
export const CONFIRM_COMPLIANCE = step(
  'confirm_compliance', 'safety',
  '恢复后持续观察小时均值，确认稳定达标',
  'After recovery, watch the hourly values until they stay within the limits',
)

// ── general ──────────────────────────────────────────────────────────────────────────────

export const GENERAL_CONFIRM = step(
  'confirm', 'safety',
  '核实报警和现场情况，判断事件类型和影响范围',
  'Confirm the alarm and the situation on site; judge what kind of event it is and how far it reaches',
)
export const GENERAL_CONTROL = step(
  'control', 'responder',
  '按企业专项应急预案或现场处置方案采取控制措施',
  "Take control measures under the enterprise's specific emergency plan or on-site response plan",
)
