/**
 * HJ 212 packets as others made them: published in open-source HJ 212 parsers, simulators and
 * platforms (their tests, sample clients and comments), 2005 and 2017 editions, byte for byte as
 * published (CR LF added where the source left it out). `frame` is what the hub's framing says:
 * 'ok', or the reject with why the published packet is wrong. Sources are named by repository
 * where it is known, else by what the file is (found by exact-text search of public GitHub code).
 */
import type { FrameReject } from '../../../hub/src/hj212/frame.js'

export interface ThirdPartyPacket {
  id: string
  source: string
  packet: string
  frame: 'ok' | FrameReject
  /** Why a published packet is refused. */
  why?: string
  /** Its CRC is CRC-16/MODBUS's (the hub says so in its log). */
  modbusCrc?: true
}

const CRLF = '\r\n'

export const THIRD_PARTY: readonly ThirdPartyPacket[] = [
  {
    id: 'xiaoyao-2005-wastewater-rtd',
    source: 'xiaoyao9184/hj-t212-parser, DataDeserializerTest.java (also DOMAIN.md): 2005 wastewater real-time, 17-digit DataTime, no QN/Flag',
    packet: '##0139ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817000;B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&4980' + CRLF,
    frame: 'ok',
  },
  {
    id: 'standard-annex-1062',
    source: 'HJ 212-2017 appendix example, as a Python HJ 212 parser tests it (OFFICIAL_SAMPLE): platform request 1062',
    packet: '##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80' + CRLF,
    frame: 'ok',
  },
  {
    id: 'c-acq-2005-cems-rtd',
    source: 'a C data-logger acquisition driver, comment of protocol_CEMS_GBhjt2005: 2005 CEMS real-time with vendor codes LD3..LD6 and ZsRtd',
    packet: '##0426ST=32;CN=2011;PW=123456;MN=888888800000020123456781;CP=&&DataTime=20190630105200;LD4-Rtd=99.23,LD4-Flag=N;S02-Rtd=11.73,S02-Flag=N;S01-Rtd=17.08,S01-Flag=N;S03-Rtd=118.52,S03-Flag=N;S08-Rtd=2.23,S08-Flag=N;B02-Rtd=29163.11,B02-Flag=N;LD3-Rtd=29163.11,LD3-Flag=N;02-Rtd=2.48,02-ZsRtd=10.96,02-Flag=N;LD5-Rtd=105.23,LD5-Flag=N;03-Rtd=11.58,03-ZsRtd=44.30,03-Flag=N;LD6-Rtd=100.23,LD6-Flag=N;01-Rtd=2.46,01-ZsRtd=8.99,01-Flag=N;S05-Rtd=18.08,S05-Flag=N&&9d41' + CRLF,
    frame: 'bad_length',
    why: 'declares 426 bytes, its data segment has 451 (edited after framing; its CRC 9D41 is not the segment\'s 3180 either)',
  },
  {
    id: 'c-acq-2005-cems-rtd-guangzhou',
    source: 'a C data-logger acquisition driver (CEMS, MN 44011600300021), comment: 2005 CEMS real-time',
    packet: '##0318ST=31;CN=2011;PW=123456;MN=44011600300021;CP=&&DataTime=20190821113000;S01-Rtd=20.70,S01-Flag=N;S02-Rtd=11,S02-Flag=N;S03-Rtd=28.36,S03-Flag=N;S05-Rtd=2.30,S05-Flag=N;S08-Rtd=0.3,S08-Flag=N;01-Rtd=1,01-ZsRtd=12,01-Flag=N;02-Rtd=2,02-ZsRtd=20,02-Flag=N;03-Rtd=1.75,03-ZsRtd=69.91,03-Flag=N;B02-Rtd=508166.63,B02-Flag=N&&59C0' + CRLF,
    frame: 'bad_length',
    why: 'declares 318 bytes, its data segment has 319 (and CRC 59C0, the segment\'s is 3600)',
  },
  {
    id: 'js-2005-cems-rtd-faults',
    source: 'a JavaScript HJ 212 → JSON converter, comment "输入": 2005 CEMS real-time, every flag D, ZsRtd groups alone',
    packet: '##0328ST=31;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20171219115817;S01-Rtd=0.00,S01-Flag=D;S02-Rtd=0.00,S02-Flag=D;S03-Rtd=0.00,S03-Flag=D;02-Rtd=0.00,02-Flag=D;S05-Rtd=0.00,S05-Flag=D;03-Rtd=0.00,03-Flag=D;01-ZsRtd=0.00;S08-Rtd=0.000000,S08-Flag=D;B02-Rtd=0.00,B02-Flag=D;01-Rtd=0.00,01-Flag=D;02-ZsRtd=0.00;03-ZsRtd=0.00&&B681' + CRLF,
    frame: 'ok',
  },
  {
    id: 'java-2005-cems-rtd-qn',
    source: 'a Java platform (ProcessTVOC212), commented main(): 2005 codes with a QN',
    packet: '##0372QN=20180315134456001;ST=31;CN=2011;PW=123456;MN=TY0102183V0001;CP=&&DataTime=20180315134400;S03-Rtd=147.12,S03-Flag=N;S08-Rtd=1.349,S08-Flag=N;S05-Rtd=8.000,S05-Flag=N;S01-Rtd=14.913,S01-Flag=N;S02-Rtd=6.38,S02-Flag=N;B02-Rtd=3600.0,B02-Flag=N;01-Rtd=25.2100,01-ZsRtd=63.6616,01-Flag=N;02-Rtd=20.3400,02-ZsRtd=51.0317,02-Flag=N;03-Rtd=50.5467,03-ZsRtd=125.0510,03-Flag=N&&A781' + CRLF,
    frame: 'ok',
  },
  {
    id: 'lua-serial-sim-modbus-crc',
    source: 'a Lua gateway app simulating a CEMS on a serial port (app:on_run)',
    packet: '##0236ST=31;CN=2011;PW=123456;MN=MP1;CP=&&DataTime=20210129152246;01-Rtd=8.764,01-ZsRtd=14.387;02-Rtd=9.933,02-ZsRtd=16.307;03-Rtd=86.131,03-ZsRtd=141.392;B02-Rtd=6015.213;S01-Rtd=13.893;S02-Rtd=2.491;S03-Rtd=44.586;S05-Rtd=0;S08-Rtd=53.796&&524F' + CRLF,
    frame: 'bad_crc',
    why: '524F is CRC-16/MODBUS (4F52) with its bytes swapped; the HJ 212 CRC of the segment is 4400',
    modbusCrc: true,
  },
  {
    id: 'c-acq-fujian-vendor-codes',
    source: 'a C data-logger acquisition driver (protocol_CEMS_BJxuedilong_fujian), "test packet": vendor codes Load and Nh3-scr',
    packet: '##0259ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20191226182116;01-ZsRtd=0;02-ZsRtd=0;03-ZsRtd=0;01-Rtd=0;02-Rtd=0;03-Rtd=0;S01-Rtd=20.9595;S02-Rtd=2.40558;B02-Rtd=321518;S03-Rtd=18.4833;S05-Rtd=0.78372;S08-Rtd=-271.755;Load-Rtd=0;Nh3-scr-Rtd=4.12656&&B541' + CRLF,
    frame: 'ok',
  },
  {
    id: 'java-2017-stack-rtd-faults',
    source: 'a Java HJ 212 parser, commented test message: 2017 stack real-time, Flag=4, every flag D',
    packet: '##0624QN=20180303110906001;ST=32;CN=2011;PW=123456;MN=8888888000114W;Flag=4;CP=&&DataTime=20180303105900;a00000-Rtd=0.0000,a00000-Flag=D;a34013-Rtd=0.0000,a34013-ZsRtd=0.00,a34013-Flag=D;a21026-Rtd=0.0000,a21026-ZsRtd=0.00,a21026-Flag=D;a21002-Rtd=0.0000,a21002-ZsRtd=0.00,a21002-Flag=D;a21005-Rtd=0.0000,a21005-ZsRtd=0.00,a21005-Flag=D;a21018-Rtd=0.0000,a21018-ZsRtd=0.00,a21018-Flag=D;a21024-Rtd=0.0000,a21024-ZsRtd=0.00,a21024-Flag=D;a19001-Rtd=0.0000,a19001-Flag=D;a01011-Rtd=0.0000,a01011-Flag=D;a01012-Rtd=0.0000,a01012-Flag=D;a01017-Rtd=0.0000,a01017-Flag=D;a01014-Rtd=0.0000,a01014-Flag=D;a01013-Rtd=0.0000,a01013-Flag=D&&2A80' + CRLF,
    frame: 'ok',
  },
  {
    id: 'php-2017-voc-stack-rtd',
    source: 'a PHP HJ 212 receiver, commented $data: 2017 VOC stack real-time (NMHC, methane)',
    packet: '##0318QN=20240123123950241;ST=31;CN=2011;PW=123456;MN=81733553216103;Flag=4;CP=&&DataTime=20240122081600;a00000-Rtd=5.407,a00000-Flag=N;a01011-Rtd=7.072,a01011-Flag=N;a01013-Rtd=-0.052,a01013-Flag=N;a01012-Rtd=6.480,a01012-Flag=N;a24088-Rtd=0.804,a24088-Flag=N;a05002-Rtd=0.000,a05002-Flag=N;a01014-Rtd=0.970,a01014-Flag=N&&6740' + CRLF,
    frame: 'ok',
  },
  {
    id: 'go-2017-air-minute',
    source: 'a Go HJ 212 parser, TestParse: 2017 ambient-air minute data (ST=22)',
    packet: '##0411QN=20220513162608370;ST=22;CN=2051;PW=123456;MN=JLYP01_AIR01_0001;Flag=4;CP=&&DataTime=20220513162600;a21004-Avg=4,a21004-Flag=N;a05024-Avg=63,a05024-Flag=N;a21026-Avg=6,a21026-Flag=N;a21005-Avg=0.427,a21005-Flag=N;a34004-Avg=14,a34004-Flag=N;a34002-Avg=31,a34002-Flag=N;a01007-Avg=1,a01007-Flag=N;a01008-Avg=11,a01008-Flag=N;a01001-Avg=17,a01001-Flag=N;a01002-Avg=85,a01002-Flag=N;a01006-Avg=95,a01006-Flag=N&&D641' + CRLF,
    frame: 'ok',
  },
  {
    id: 'java-netty-2017-water-hour-flag9',
    source: 'a Java netty HJ 212 client (sendMessage): 2017 surface-water hourly data, ST=21, Flag=9 (edition bits 000010, answer)',
    packet: '##0561QN=20201030000000437;ST=21;CN=2061;PW=123456;MN=NM100000_0005;Flag=9;CP=&&DataTime=20201129210001;w01010-Avg=23.1,w01010-Flag=N;w01001-Avg=7.64,w01001-Flag=N;w01009-Avg=6.60,w01009-Flag=N;w01014-Avg=300,w01014-Flag=N;w01003-Avg=17,w01003-Flag=N;w01019-Avg=1.4,w01019-Flag=N;w21011-Avg=0.042,w21011-Flag=N;w21001-Avg=3.04,w21001-Flag=N;w21003-Avg=0.16,w21003-Flag=N;w20120-Avg=0.00011,w20120-Flag=N;w20119-Avg=0.00000,w20119-Flag=N;w23002-Avg=0.0005,w23002-Flag=N;w21016-Avg=0.002,w21016-Flag=N;w20115-Avg=0.00001,w20115-Flag=N;w20122-Avg=0.00005,w20122-Flag=N&&4C80' + CRLF,
    frame: 'ok',
  },
  {
    id: 'java-socket-2005-wastewater-hour',
    source: 'a Java socket test client (58.67.193.173:8888): 2005 wastewater hourly data with Cou',
    packet: '##0462ST=32;CN=2061;PW=123456;MN=1111;CP=&&DataTime=20180416000000;001-Cou=0.00,001-Min=7.16,001-Avg=7.17,001-Max=7.17;B01-Cou=748.84,B01-Min=204.50,B01-Avg=208.01,B01-Max=214.20;011-Cou=17.37,011-Min=23.20,011-Avg=23.20,011-Max=23.20;B11-Min=21941081.00,B11-Avg=21941455.50,B11-Max=21941830.00;060-Cou=2.40,060-Min=3.11,060-Avg=3.20,060-Max=3.31;101-Cou=0.05,101-Min=0.0620,101-Avg=0.0620,101-Max=0.0620;065-Cou=3.00,065-Min=4.01,065-Avg=4.01,065-Max=4.01&&90C1' + CRLF,
    frame: 'bad_length',
    why: 'declares 462 bytes, its data segment has 452 (and CRC 90C1, the segment\'s is 2A80)',
  },
  {
    id: 'php-2005-wastewater-minute',
    source: 'a PHP HJ 212 receiver writing MySQL, commented $data_str: 2005 wastewater minute data',
    packet: '##0245ST=32;CN=2051;PW=123456;MN=12091200160055;CP=&&DataTime=20150430135700;B01-Min=895.13,B01-Avg=909.87,B01-Max=932.28,B01-Cou=54.59;011-Min=999.99,011-Avg=999.99,011-Max=999.99,011-Cou=54.59;060-Min=30.18,060-Avg=30.18,060-Max=30.18,060-Cou=1.65&&7640' + CRLF,
    frame: 'ok',
  },
  {
    id: 'php-2005-wastewater-rtd',
    source: 'the same PHP receiver: 2005 wastewater real-time',
    packet: '##0149ST=32;CN=2011;PW=123456;MN=12091200160055;CP=&&DataTime=20150430135830;B01-Rtd=880.17,B01-Flag=N;011-Rtd=999.99,011-Flag=N;060-Rtd=30.18,060-Flag=N&&F881' + CRLF,
    frame: 'ok',
  },
  {
    id: 'php-2005-status',
    source: 'the same PHP receiver: 2005 device status 2021 (SBn-RS)',
    packet: '##0144ST=32;CN=2021;PW=123456;MN=12091200160055;CP=&&DataTime=20150430135830;SB1-RS=0;SB2-RS=0;SB3-RS=0;SB4-RS=0;SB5-RS=0;SB6-RS=0;SB7-RS=0;SB8-RS=0&&A781' + CRLF,
    frame: 'ok',
  },
  {
    id: 'java-socket-2005-status',
    source: 'a Java socket client (sendClientMessage): 2005 device status, ST=31',
    packet: '##0144ST=31;CN=2021;PW=123456;MN=ZG130102201666;CP=&&DataTime=20180119131000;SB1-RS=0;SB2-RS=0;SB3-RS=0;SB4-RS=0;SB5-RS=0;SB6-RS=0;SB7-RS=0;SB8-RS=0&&CAC1\r\n',
    frame: 'ok',
  },
  {
    id: 'java-t212mapper-split-piece',
    source: 'a Java test of T212Mapper (hj-t212-parser user): piece 2 of 2 of minute data, PNO/PNUM zero-padded, no Flag, ValidNum/TotalNum',
    packet: '##0204QN=20191112091100598;ST=31;CN=2051;PW=123456;MN=14513567846884;PNO=0002;PNUM=0002;CP=&&DataTime=20191112090000;a01006-Avg=101.85,a01006-Min=101.84,a01006-Max=101.87,a01006-ValidNum=10,a01006-TotalNum=10&&2800\r\n',
    frame: 'ok',
  },
  {
    id: 'cpp-hj212def-answer-9014',
    source: 'a C++ HJ 212 definition header (HJ212Def.h), example answer: 9014 with Flag=9 and QnRtn in CP',
    packet: '##0078QN=20201008154743635;ST=91;CN=9014;PW=123456;MN=SD000001;Flag=9;CP=&&QnRtn=1&&71c0\r\n',
    frame: 'ok',
  },
  {
    id: 'python-platform-answer-9014',
    source: 'a Python HJ 212 platform test (test_validate_data_ack_accepts_matching_9014_packet): 9014, Flag=8',
    packet: '##0075QN=20260706103512345;ST=91;CN=9014;PW=123456;MN=A110000_0001;Flag=8;CP=&&&&0140\r\n',
    frame: 'ok',
  },
  {
    id: 'c-zhbhjt-request-modbus-crc',
    source: 'a C HJ 212 test header (ZHBHJT_MSG_TEST_DATA_GET_RTD): platform request for real-time data',
    packet: '##0077QN=20170516010101001;ST=22;CN=2011;PW=123456;MN=ABCDEFG1234567;Flag=3;CP=&&&&30A5\r\n',
    frame: 'bad_crc',
    why: '30A5 is CRC-16/MODBUS of the segment; its HJ 212 CRC is 0140',
    modbusCrc: true,
  },
  {
    id: 'python-simulator-modbus-crc',
    source: 'zhulinghuanyu/HJ212_Simulator (Python): made by its encoder (core/packet.py Packet.encode, core/crc.py) for a 2017 real-time packet, Flag=5',
    packet: '##0195QN=20261207064947359;ST=32;CN=2011;PW=123456;MN=12091200160055;Flag=5;CP=&&DataTime=20261207064947;w01018-Rtd=41.200;w01018-Flag=N;w21003-Rtd=2.310;w21003-Flag=N;w00000-Rtd=12.500;w00000-Flag=N&&E203\r\n',
    frame: 'bad_crc',
    why: 'its crc.py is CRC-16/MODBUS (table-driven, crc ^ byte) though its docstring cites appendix A',
    modbusCrc: true,
  },
  {
    id: 'java-netty-2017-wastewater-minute',
    source: 'a Java netty HJ 212 client (HJ212ClientInitializer): 2017 wastewater minute data, Flag=5, w00000-Avg sent twice',
    packet: '##0722QN=20241130114316059;ST=32;CN=2051;PW=123456;MN=23923493201019;Flag=5;CP=&&DataTime=20241130113000;w01018-Cou=46.630,w01018-Avg=196.000,w01018-Min=196.000,w01018-Max=196.000,w01018-Flag=N;w21003-Cou=6.930,w21003-Avg=29.110,w21003-Min=29.110,w21003-Max=29.110,w21003-Flag=N;w21011-Cou=0.570,w21011-Avg=2.380,w21011-Min=2.380,w21011-Max=2.380,w21011-Flag=N;w21001-Cou=6.810,w21001-Avg=28.620,w21001-Min=28.620,w21001-Max=28.620,w21001-Flag=N;w01001-Avg=7.03,w01001-Min=7.00,w01001-Max=7.06,w01001-Flag=N;w00000-Cou=237.91,w00000-Avg=66.09,w00000-Min=392.51,w00000-Max=403.98,w00000-Avg=19796346.00,w00000-Min=19796286.00,w00000-Max=19796346.00,w00000-Flag=N;w01010-Avg=19.26,w01010-Min=19.20,w01010-Max=19.30,w01010-Flag=N&&0440\r\n',
    frame: 'ok',
  },
  {
    id: 'rust-air-hour-placeholder-crc',
    source: 'a Rust HJ 212 parser test (test_hj212_air_quality_data): ambient-air hourly data with CRC FFFF',
    packet: '##0200ST=31;CN=2061;PW=123456;MN=AIR001;Flag=4;CP=&&DataTime=20230601130000;a34004-Avg=35.2;a34002-Avg=68.5;a21026-Avg=12.3;a01001-Avg=28.5;a01002-Avg=65.0&&FFFF' + CRLF,
    frame: 'bad_length',
    why: 'declares 200 bytes for a 151-byte segment, and FFFF is a placeholder (the CRC is 4400)',
  },
  {
    id: 'python-socket-2017-wastewater-rtd',
    source: 'a Python socket sender (192.168.8.205:57001): 2017 wastewater real-time, no QN',
    packet: '##0321ST=32;CN=2011;PW=123456;MN=DM000001;CP=&&DataTime=20191223165100;w01001-Rtd=15.294,w01001-Flag=N;w01006-Rtd=12.122,w01006-Flag=N;w01010-Rtd=21.639,w01010-Flag=N;w01014-Rtd=92.088,w01014-Flag=N;w21003-Rtd=78.741,w21003-Flag=N;w21011-Rtd=92.488,w21011-Flag=N;w01019-Rtd=51.248,w01019-Flag=N;w01003-Rtd=3.262,w01003-Flag=N&&A141' + CRLF,
    frame: 'ok',
  },
  {
    id: 'java-t212mapper-air-short-codes',
    source: 'the same Java T212Mapper test: ambient-air real-time with short vendor codes a211..a217',
    packet: '##0289QN=20191012133710130;ST=22;CN=2011;PW=123456;MN=Y80110010000010;Flag=4;CP=&&DataTime=20191012133710;a214-Rtd=0.00,a214-Flag=N;a215-Rtd=0.00,a215-Flag=N;a216-Rtd=0.036,a216-Flag=N;a217-Rtd=0.033,a217-Flag=N;a211-Rtd=25.40,a211-Flag=N;a212-Rtd=49.20,a212-Flag=N;a213-Rtd=101.94,a213-Flag=N&&5780\r\n',
    frame: 'ok',
  },
  {
    id: 'xiaoyao-readme-generator',
    source: 'xiaoyao9184/hj-t212-parser README, T212Generator result: codes ele01/ele02, lower-case CRC',
    packet: '##0109ST=32;CN=2011;PW=123456;MN=NJGDKYYC202101q0001w0001;CP=&&DataTime=20210305003817000;ele01-Rtd=1;ele02-Rtd=0&&8c41\r\n',
    frame: 'ok',
  },
  {
    id: 'java-parser-2005-split-minute',
    source: 'a Java HJ 212 parser main(): 2005 minute data, piece 1 of 2 (Flag=2), 1,045 bytes (over the standard 1,024), ZsMin/ZsMax, flags D and T',
    packet: '##1045ST=31;CN=2051;PW=123456;MN=756877X7916010;Flag=2;PNUM=2;PNO=1;CP=&&DataTime=20180303102200;B02-Min=0.0000,B02-Avg=0.0000,B02-Max=0.0000,B02-Cou=0.0000,B02-Flag=D;30-Min=109.8557,30-Avg=109.8712,30-Max=109.8885,30-Cou=0.0000,30-Flag=N;31-Min=103.4228,31-Avg=103.4489,31-Max=103.4723,31-Cou=0.0000,31-Flag=N;32-Min=102.8947,32-Avg=102.9123,32-Max=102.9281,32-Cou=0.0000,32-Flag=N;33-Min=1003.0443,33-Avg=1003.0705,33-Max=1003.0940,33-Cou=0.0000,33-Flag=T;34-Min=1003.1765,34-Avg=1003.1824,34-Max=1003.2093,34-Cou=0.0000,34-Flag=T;35-Min=102.8606,35-Avg=102.8729,35-Max=102.8770,35-Cou=0.0000,35-Flag=N;36-Min=102.9935,36-Avg=103.0101,36-Max=103.0268,36-Cou=0.0000,36-Flag=N;37-Min=103.2597,37-Avg=103.2753,37-Max=103.2928,37-Cou=0.0000,37-Flag=N;01-Min=0.00,01-Avg=0.00,01-Max=0.00,01-Cou=0.00,01-ZsMin=0.00,01-ZsAvg=0.00,01-ZsMax=0.00,01-Flag=D;02-Min=0.00,02-Avg=0.00,02-Max=0.00,02-Cou=0.00,02-ZsMin=0.00,02-ZsAvg=0.00,02-ZsMax=0.00,02-Flag=D;03-Min=0.00,03-Avg=0.00,03-Max=0.00,03-Cou=0.00,03-ZsMin=0.00,03-ZsAvg=0.00,03-ZsMax=0.00,03-Flag=D&&AB41' + CRLF,
    frame: 'ok',
  },
]

/** A published packet by id. */
export function thirdParty(id: string): ThirdPartyPacket {
  const p = THIRD_PARTY.find((x) => x.id === id)
  if (!p) throw new Error(`no third-party packet ${id}`)
  return p
}
