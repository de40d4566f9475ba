"""The XSD of the XML a package holds (each 件's DA/T 46 metadata, the catalogue) and its naming rules, for 其他/元数据规范/."""

from __future__ import annotations

from .layout import OTHER_DIR

# The columns of the catalogue (目录.xlsx, contents.py) and the fields of one 文件 in its XSD, in this order.
CATALOGUE_COLUMNS = [
    "顺序号",
    "档号",
    "文号",
    "责任者",
    "题名",
    "日期",
    "密级",
    "页数",
    "备注",
    "电子档案名称",
    "原始格式",
    "单位",
]

__all__ = ["SCHEMA_DIR", "ITEM_XSD", "CATALOGUE_XSD", "NAMING_RULES", "schema_files"]

SCHEMA_DIR = f"{OTHER_DIR}/元数据规范"

_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">\n'


def _fields(*names: str, optional: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> str:
    rows = []
    for name in names:
        kind = "xs:nonNegativeInteger" if name in numbers else "xs:string"
        least = ' minOccurs="0"' if name in optional else ""
        rows.append(f'        <xs:element name="{name}" type="{kind}"{least}/>')
    return "\n".join(rows)


def _group(name: str, body: str, occurs: str = "") -> str:
    return (
        f'    <xs:element name="{name}"{occurs}>\n      <xs:complexType>\n      <xs:sequence>\n'
        f"{body}\n      </xs:sequence>\n      </xs:complexType>\n    </xs:element>"
    )


# <档号>.xml: the metadata of one 件 (DA/T 46-2009 elements that apply; the same content as <档号>.json).
ITEM_XSD = (
    _HEAD
    + """  <xs:annotation><xs:documentation>huanjie 归档数据包中每件的元数据（电子档案/年度/保管期限/档号/档号.xml）。
元素名取自 DA/T 46-2009《文书类电子文件元数据方案》：文件实体（来源、档号、内容描述、形式特征、电子属性、附注）、
机构人员实体、业务实体。电子属性每个计算机文件一条（PDF/A 长期保存版本、原始 .docx、纸质原件的扫描件）。</xs:documentation></xs:annotation>
  <xs:element name="文件">
    <xs:complexType>
      <xs:sequence>
    <xs:element name="元数据方案" type="xs:string"/>
    <xs:element name="聚合层次" type="xs:string"/>
"""
    + _group("来源", _fields("立档单位名称"))
    + "\n"
    + _group(
        "档号",
        _fields("档号", "全宗号", "门类代码", "年度", "保管期限", "机构或问题", "件号", optional=("机构或问题",)),
    )
    + "\n"
    + _group("内容描述", _fields("题名", "文件编号", "责任者", "日期", "文种", "密级", optional=("文件编号", "密级")))
    + "\n"
    + _group("形式特征", _fields("页数", "语种", "稿本", numbers=("页数",)))
    + "\n"
    + _group(
        "电子属性",
        _fields(
            "计算机文件名",
            "格式信息",
            "计算机文件大小",
            "文档创建程序",
            "SHA256",
            "SM3",
            "用途",
            numbers=("计算机文件大小",),
        ),
        ' maxOccurs="unbounded"',
    )
    + "\n"
    + _group("机构人员实体", _fields("机构人员类型", "机构人员名称", "职责"), ' minOccurs="0" maxOccurs="unbounded"')
    + "\n"
    + _group(
        "业务实体", _fields("业务状态", "业务行为", "行为时间", "行为描述"), ' minOccurs="0" maxOccurs="unbounded"'
    )
    + "\n"
    + _group(
        "附注",
        _fields("单位", "原文件名", "原路径", "文书种类", "选举记录", "说明", optional=("选举记录", "说明")),
    )
    + """
      </xs:sequence>
      <xs:attribute name="档号" type="xs:string" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
)

# 文件目录.xml: one 文件 per 件, the columns of 文件目录.xlsx.
CATALOGUE_XSD = (
    _HEAD
    + """  <xs:annotation><xs:documentation>huanjie 归档数据包的归档文件目录（文件目录.xml，与 文件目录.json、文件目录.xlsx 内容相同），
栏目按《电子档案移交与接收办法》附件和 DA/T 22-2015 归档文件目录。</xs:documentation></xs:annotation>
  <xs:element name="文件目录">
    <xs:complexType>
      <xs:sequence>
"""
    + _group(
        "文件",
        _fields(
            *CATALOGUE_COLUMNS,
            "扫描件",
            optional=("扫描件",),
            numbers=("顺序号", "页数"),
        ),
        ' minOccurs="0" maxOccurs="unbounded"',
    )
    + """
      </xs:sequence>
      <xs:attribute name="立档单位" type="xs:string"/>
      <xs:attribute name="件数" type="xs:nonNegativeInteger"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
)

NAMING_RULES = """\
huanjie 归档数据包的命名规则

档号：全宗号-门类代码·年度-保管期限-机构（问题）代码-件号（DA/T 22-2015），如 J012-WS·2026-Y-BGS-0001。
  门类代码 WS 表示文书；保管期限 Y 永久、D30 定期30年、D10 定期10年；没有机构（问题）代码时省去这一段；
  件号 4 位，在同一年度、同一保管期限（和机构代码）内从起始件号起连续编号；“·”是间隔号。
每件一个文件夹：电子档案/年度/保管期限/档号/，其中
  档号.pdf       长期保存版本（PDF/A-2b）
  档号.docx      生成时的原始 Word 文档
  档号.xml       元数据（DA/T 46 元素，结构见本文件夹中的 文件元数据.xsd）
  档号.json      同一份元数据的 JSON 形式
  档号-扫描01.pdf（或 .jpg、.tif）  纸质原件（签名、盖章后）的扫描件，按顺序编号，可以没有
文件目录.xml 的结构见 文件目录.xsd。
本数据包没有采用 DA/T 48-2009 的 XML 封装（把文件内容以 Base64 编码写进 XML），原因见 说明文件.txt。
"""


def schema_files() -> dict[str, bytes]:
    """其他/元数据规范/: the two XSD files and the naming rules."""
    return {
        f"{SCHEMA_DIR}/文件元数据.xsd": ITEM_XSD.encode("utf-8"),
        f"{SCHEMA_DIR}/文件目录.xsd": CATALOGUE_XSD.encode("utf-8"),
        f"{SCHEMA_DIR}/命名规则.txt": NAMING_RULES.encode("utf-8"),
    }
